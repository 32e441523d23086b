// The pod sandbox ("pause") process of the test bed's node. containerd starts one per pod to
// hold its namespaces; no registry can be reached here, so this one is built with the rest and
// imported into containerd under the sandbox image name (see ../../../node-image.sh).
//
// As PID 1 of the pod's PID namespace (when shared) it must reap orphans, and it must stop
// promptly on SIGTERM/SIGINT, which is how containerd stops a sandbox.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		// One SIGCHLD may stand for several exits: reap until none is left.
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
