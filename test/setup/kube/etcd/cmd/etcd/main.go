// etcd for the test bed: one member, clients and peer on 127.0.0.1 only, no TLS (nothing but the
// API server on the same machine talks to it). Stops cleanly on SIGTERM/SIGINT.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	dataDir := flag.String("data-dir", "", "directory of the member's data (required)")
	clientPort := flag.Int("client-port", 2379, "port on 127.0.0.1 for clients")
	peerPort := flag.Int("peer-port", 2380, "port on 127.0.0.1 for the (single) peer URL")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()
	if *dataDir == "" {
		log.Fatal("--data-dir is required")
	}

	cfg := embed.NewConfig()
	cfg.Name = "glci"
	cfg.Dir = *dataDir
	cfg.LogLevel = *logLevel
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", *clientPort)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", *peerPort)}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// A throwaway test store: losing the last writes on a machine crash costs nothing, while an
	// fsync per write slows every API call on a busy CI disk.
	cfg.UnsafeNoFsync = true
	// Only etcd's own flag parsing sets this default; left at zero, every request is logged as slow.
	cfg.WarningUnaryRequestDuration = embed.DefaultWarningUnaryRequestDuration

	server, err := embed.StartEtcd(cfg)
	if err != nil {
		log.Fatalf("starting etcd: %v", err)
	}
	select {
	case <-server.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		server.Close()
		log.Fatal("etcd did not become ready within 60s")
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-signals:
		server.Close()
	case err := <-server.Err():
		log.Fatalf("etcd stopped: %v", err)
	}
}
