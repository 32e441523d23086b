#!/usr/bin/env node
// Benchmark: the docker executor. Whole processes, as bench/run-pipeline.mjs times the shell executor.
//  1. trivial: a job `script: [":"]` in the busybox test image: `glci run` against a bare
//     `docker run --rm <busybox> sh -c :` (the floor any tool pays for one container) and gitlab-ci-local.
//  2. service: the same with one service (busybox httpd) the job reaches by its alias: glci vs gitlab-ci-local.
//  3. 10k files: a committed project of 10,000 small files, job `ls -R | wc -l`: glci against a baseline
//     that creates a container, pipes `tar -c` of the project into `docker cp -` and removes it, and
//     gitlab-ci-local; the copy alone as well (glci's get_sources section, the baseline's `tar | docker cp`,
//     gitlab-ci-local's own "copied to docker volumes" figure).
// Also: glci's time per phase (from its --json events), the engine API calls of one traced trivial and
// one 10k-file job (glci, and `docker run` for the first, through a recording socket proxy), and a check that no container is left behind.
// Targets: trivial glci ≤ 1.3 × bare docker run; 10k files glci ≤ 1.5 × the tar | docker cp baseline.
// Usage: npm run build && node bench/docker.mjs [--runs N] [--no-peer] [--no-trace]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, reportFailures } from './failures.mjs';
import { makeProject } from './generate.mjs';
import { measure, summarize } from './measure.mjs';
import { ensurePeer, peerEnv } from './peer.mjs';
import { formatTable, millis, numberFlag, seconds } from './report.mjs';

const argv = process.argv.slice(2);
const runs = numberFlag(argv, '--runs', 5);
const withPeer = !argv.includes('--no-peer');
const withTrace = !argv.includes('--no-trace');
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const glciBin = join(repoRoot, 'bin', 'run.js');
const waitScript = fileURLToPath(new URL('./docker-fixtures/wait-for-it.sh', import.meta.url));

const TRIVIAL_TARGET = 1.3;
const FILES_TARGET = 1.5;
const DIRS = 100;
const FILES_PER_DIR = 100;
const GLCI_LABEL = 'org.glci.managed=true';
const PROJECT_DIR_LABEL = 'org.glci.project.dir';
// On the containers the baseline and the bare `docker run` create, to find any left behind.
const BENCH_LABEL = 'org.glci.bench=docker';

// Fixed names the fixture YAML uses; the images are built offline (fixtures/images) and tagged so.
const IMAGES = { busybox: 'glci-bench/busybox:latest', web: 'glci-bench/web:latest', wait: 'glci-bench/wait-for-it' };

/** Runs a command and returns its trimmed stdout; throws with its stderr when it fails. */
function run(file, args, options = {}) {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options }).trim();
}

function fail(message) {
  process.stderr.write(`bench/docker.mjs: ${message}\n`);
  process.exit(1);
}

function preflight() {
  if (!existsSync(join(repoRoot, 'dist', 'commands', 'run.js'))) fail('glci is not built: run `npm run build` first (bin/run.js loads dist/)');
  const engine = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
  if (engine.error || engine.status !== 0) {
    fail(`no Docker engine answers (${(engine.error?.message ?? engine.stderr).trim()}): start one, e.g. \`bash test/setup/ensure-docker.sh\` (Debian)`);
  }
  if (withPeer) {
    const rsync = spawnSync('rsync', ['--version'], { encoding: 'utf8' });
    if (rsync.error || rsync.status !== 0) {
      fail('gitlab-ci-local copies the project with rsync, which is not installed: install it (Debian/Ubuntu: `apt-get install -y rsync`, Fedora: `dnf install rsync`, macOS: `brew install rsync`), or run with --no-peer');
    }
  }
  return engine.stdout.trim();
}

/**
 * The test images (built offline from fixtures/images, cached by content hash) under the fixed names the
 * fixture YAML uses, plus, for gitlab-ci-local, a wait-for-it stand-in made from busybox (tagged by the
 * script's hash): the peer's default helper and wait images would be pulled from a registry.
 */
function prepareImages() {
  const build = (name) => run('bash', [join(repoRoot, 'fixtures', 'images', 'build-image.sh'), name], { stdio: ['ignore', 'pipe', 'inherit'] });
  run('docker', ['tag', build('busybox'), IMAGES.busybox]);
  run('docker', ['tag', build('busybox-web'), IMAGES.web]);
  const hash = run('sha256sum', [waitScript]).slice(0, 12);
  const wait = `${IMAGES.wait}:${hash}`;
  if (spawnSync('docker', ['image', 'inspect', wait], { stdio: 'ignore' }).status !== 0) {
    const id = run('docker', ['create', IMAGES.busybox]);
    try {
      run('docker', ['cp', waitScript, `${id}:/wait-for-it.sh`]);
      run('docker', ['commit', '--change', 'ENTRYPOINT ["/bin/sh", "/wait-for-it.sh"]', '--change', 'CMD []', '--change', 'LABEL org.glci.test-image=bench-wait-for-it', id, wait]);
    } finally {
      run('docker', ['rm', '-f', id]);
    }
  }
  return { ...IMAGES, wait };
}

const lines = (...args) => run('docker', args).split('\n').filter(Boolean);

/** Containers labelled org.glci.managed=true on the whole engine (which other users of the engine share). */
const glciContainers = () => lines('ps', '-aq', '--filter', `label=${GLCI_LABEL}`).length;

/**
 * What this benchmark left on the engine: glci's containers, volumes and networks whose project-dir label
 * names one of its projects; the baseline's and bare run's containers (labelled BENCH_LABEL); the volumes
 * and networks gitlab-ci-local names after these jobs (gcl-JOB-N-build|tmp, gitlab-ci-local-N).
 */
function leftovers(projectDirs) {
  const dirs = new Set(projectDirs);
  const glci = (kind) =>
    lines(kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '--filter', `label=${GLCI_LABEL}`, '--format', `{{.Label "${PROJECT_DIR_LABEL}"}}`).filter((d) => dirs.has(d)).length;
  return {
    glci: { containers: glci('container'), volumes: glci('volume'), networks: glci('network') },
    baseline: lines('ps', '-aq', '--filter', `label=${BENCH_LABEL}`).length,
    peer: {
      volumes: lines('volume', 'ls', '-q').filter((n) => /^gcl-(trivial|service|files)-\d+-(build|tmp)$/.test(n)).length,
      networks: lines('network', 'ls', '--format', '{{.Name}}').filter((n) => /^gitlab-ci-local-\d+$/.test(n)).length,
    },
  };
}

// ---------------------------------------------------------------- projects

const trivialYaml = (images) => `trivial:\n  image: ${images.busybox}\n  script: [":"]\n`;
const serviceYaml = (images) =>
  `service:\n  image: ${images.busybox}\n  services:\n    - name: ${images.web}\n      alias: web\n  script: ["wget -qO- http://web:8080/"]\n`;
const filesYaml = (images) => `files:\n  image: ${images.busybox}\n  script: ["ls -R | wc -l"]\n`;

/** 100 folders × 100 files of ~300 bytes, committed, the repository packed as a clone's would be. */
function makeFilesProject(prefix, yaml) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, '.gitlab-ci.yml'), yaml);
  for (let d = 0; d < DIRS; d++) {
    const sub = join(dir, `d${String(d).padStart(2, '0')}`);
    mkdirSync(sub);
    for (let f = 0; f < FILES_PER_DIR; f++) {
      const line = `folder ${d} file ${f}: the quick brown fox jumps over the lazy dog\n`;
      writeFileSync(join(sub, `f${String(f).padStart(2, '0')}.txt`), line.repeat(Math.ceil(300 / line.length)));
    }
  }
  // As generate.mjs's gitInit, but with no automatic gc: with 10,000 loose objects the commit would start
  // one in the background, and the explicit gc below would fail on its lock.
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'gc.auto=0', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'bench');
  git('gc', '--quiet');
  return dir;
}

// ---------------------------------------------------------------- measuring

/** Like measure() for a process that is not Node (no RSS hook): wall time of each run. */
function measureProcess({ file, args, runs: count, warmup = 1, afterRun }) {
  const times = [];
  for (let i = 0; i < warmup + count; i++) {
    const start = process.hrtime.bigint();
    const res = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.error) throw res.error;
    if (res.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${res.status ?? res.signal}:\n${(res.stderr || res.stdout).trim().slice(-2000)}`);
    if (i >= warmup) {
      times.push(ms);
      afterRun?.(res);
    }
  }
  return summarize(times);
}

/** glci is started with every GLCI_* variable removed and an empty XDG_CONFIG_HOME: no config.toml, the built-in runner. */
function glciEnvironment(configHome) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GLCI_')));
  return { ...env, XDG_CONFIG_HOME: configHome };
}

const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

function parseEvents(stdout) {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/**
 * Phase boundaries of one single-job `glci run --json`, in ms since the process was spawned (t0) and until
 * it exited (tExit): section markers come from the job_output events, whose `time` is the ms clock.
 */
function glciPhases(events, t0, tExit) {
  const at = {};
  let inScript = false;
  for (const e of events) {
    if (e.type === 'pipeline_start' || e.type === 'pipeline_end' || e.type === 'job_end') at[e.type] = e.time;
    if (e.type !== 'job_output') continue;
    for (const m of e.text.matchAll(/section_(start|end):\d+:(\w+)/g)) {
      at[`${m[2]} ${m[1]}`] ??= e.time;
      if (m[2] === 'step_script') inScript = m[1] === 'start';
    }
    // The shell echoes each command as `$ command`: its first echo is the first thing the script did.
    if (inScript && at['first command'] === undefined && /^\$ /m.test(stripAnsi(e.text))) at['first command'] = e.time;
  }
  const span = (a, b) => (at[a] !== undefined && at[b] !== undefined ? at[b] - at[a] : NaN);
  return {
    startup: at.pipeline_start - t0,
    prepare: span('prepare_executor start', 'prepare_executor end'),
    sources: span('get_sources start', 'get_sources end'),
    scriptStart: span('step_script start', 'first command'),
    scriptRest: span('first command', 'step_script end'),
    finish: span('step_script end', 'job_end'),
    exit: tExit - at.pipeline_end,
    total: tExit - t0,
  };
}

function jobText(events) {
  return stripAnsi(events.filter((e) => e.type === 'job_output').map((e) => e.text).join(''));
}

/** `glci run --json --cwd DIR JOB`; `check(text)` throws unless the job's log shows it did its work. */
function measureGlci(dir, job, env, check) {
  const phases = [];
  let t0 = 0;
  const result = measure({
    node: process.execPath,
    args: [glciBin, 'run', '--json', '--cwd', dir, job],
    cwd: dir,
    env,
    runs,
    beforeRun: () => {
      t0 = Date.now();
    },
    afterRun: (res) => {
      const tExit = Date.now();
      const events = parseEvents(res.stdout);
      const end = events.find((e) => e.type === 'job_end');
      if (end?.result?.status !== 'success') throw new Error(`job ${job} did not succeed:\n${jobText(events).slice(-2000)}`);
      check?.(jobText(events));
      phases.push(glciPhases(events, t0, tExit));
    },
  });
  return { ...result, phases };
}

/** gitlab-ci-local's own duration strings (pretty-hrtime): "560 ms", "1.08 s", "12 μs". */
function prettyMs(text) {
  const m = /([\d.]+) (μs|ms|s|min)\b/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { μs: 0.001, ms: 1, s: 1000, min: 60000 }[m[2]];
}

/**
 * gitlab-ci-local started in the project (its --cwd takes relative paths) on one job. The helper image
 * (it chowns the copied project) is busybox and the wait image the stand-in, so nothing is pulled; the
 * pull policy is its default, if-not-present, given explicitly.
 */
function measurePeer(peer, images, dir, job, check) {
  const copies = [];
  const args = [peer.entry, '--no-color', '--pull-policy', 'if-not-present', '--helper-image', images.busybox, '--wait-image', images.wait, job];
  const result = measure({
    node: peer.node,
    args,
    cwd: dir,
    env: peerEnv(),
    runs,
    afterRun: (res) => {
      if (!res.stdout.includes(`PASS  ${job}`)) throw new Error(`exited 0 but did not report "PASS  ${job}":\n${res.stdout.slice(-2000)}`);
      check?.(res.stdout);
      const copied = /copied to docker volumes in ([^\n]+)/.exec(res.stdout);
      copies.push(copied ? prettyMs(copied[1]) : NaN);
    },
  });
  return { ...result, copies };
}

const checkService = (text) => {
  if (!text.includes('hello from busybox-web')) throw new Error(`the job did not print the service's page:\n${text.slice(-2000)}`);
};
const checkFileCount = (text) => {
  const counts = [...text.matchAll(/(?:^|> )(\d{4,})\s*$/gm)].map((m) => Number(m[1]));
  if (!counts.some((n) => n >= DIRS * FILES_PER_DIR)) throw new Error(`the job did not list ${DIRS * FILES_PER_DIR} files:\n${text.slice(-2000)}`);
};

// The baseline for the copy: create a busybox container whose working directory is the target (the engine
// makes it at create), `tar -c` the project (its packed .git included) into `docker cp -`, remove the
// container. The whole bash process is timed; the `tar | docker cp` pipeline alone is timed inside it.
const BASELINE_SCRIPT = `set -euo pipefail
id=$(docker create --label ${BENCH_LABEL} -w /builds/x "$1")
trap 'docker rm -f "$id" >/dev/null' EXIT
t0=$(date +%s%N)
tar -c -C "$2" . | docker cp - "$id:/builds/x"
t1=$(date +%s%N)
if [ "\${3:-}" = check ]; then docker cp "$id:/builds/x/d00/f00.txt" - | tar -tf -; fi
echo "copy_ns=$((t1 - t0))"`;

function measureBaselineCopy(images, dir) {
  const sample = run('bash', ['-c', BASELINE_SCRIPT, 'baseline', images.busybox, dir, 'check']);
  if (!sample.includes('f00.txt')) throw new Error(`the baseline copy did not land in the container:\n${sample}`);
  const copies = [];
  const result = measureProcess({
    file: 'bash',
    args: ['-c', BASELINE_SCRIPT, 'baseline', images.busybox, dir],
    runs,
    afterRun: (res) => copies.push(Number(/copy_ns=(\d+)/.exec(res.stdout)?.[1]) / 1e6),
  });
  return { ...result, copies };
}

// ---------------------------------------------------------------- engine call trace

/** Where the engine listens: DOCKER_HOST when it is a unix socket, else the default socket; null for TCP. */
function engineSocket() {
  const host = process.env.DOCKER_HOST;
  if (!host) return process.env.DOCKER_CONTEXT ? null : '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : null;
}

/**
 * Runs `file args` once with DOCKER_HOST pointing at a socket proxy that passes every byte through to the
 * engine and records each HTTP request: when it was sent, its status, and when the last byte of its
 * answer came (an attach is hijacked: its answer is the whole output stream). Times are ms since spawn.
 */
async function traceEngineCalls(file, args, env, cwd) {
  const upstreamPath = engineSocket();
  const dir = mkdtempSync(join(tmpdir(), 'glci-bench-trace-'));
  const sock = join(dir, 'engine.sock');
  const calls = [];
  let t0 = 0;
  let wall0 = 0;
  const now = () => Number(process.hrtime.bigint() / 1000n) / 1000 - t0;
  // Half-open both ways: a job's shell gets its script on the attach connection, then its end (half-close).
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = createConnection({ path: upstreamPath, allowHalfOpen: true });
    const pending = [];
    let current = null;
    let upgraded = false;
    client.on('data', (buf) => {
      if (!upgraded) {
        for (const m of buf.toString('latin1').matchAll(/^(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1\.[01]\r$/gm)) {
          const call = { method: m[1], path: m[2], start: now(), status: '', end: NaN };
          calls.push(call);
          pending.push(call);
        }
      }
      upstream.write(buf);
    });
    upstream.on('data', (buf) => {
      if (!upgraded) {
        for (const m of buf.toString('latin1').matchAll(/^HTTP\/1\.[01] (\d{3})/gm)) {
          current = pending.shift() ?? current;
          if (current) current.status = m[1];
          if (m[1] === '101') upgraded = true;
        }
      }
      if (current) current.end = now();
      client.write(buf);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('close', close);
      s.on('error', close);
    }
  });
  await new Promise((resolve, reject) => server.listen(sock, resolve).on('error', reject));
  try {
    t0 = Number(process.hrtime.bigint() / 1000n) / 1000;
    wall0 = Date.now();
    let stdout = '';
    const exit = await new Promise((resolve, reject) => {
      const child = spawn(file, args, { cwd, env: { ...env, DOCKER_HOST: `unix://${sock}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(now()) : reject(new Error(`${file} exited ${code} under the trace:\n${stderr.slice(-1500)}`))));
    });
    return { calls, exit, stdout, wall0 };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function traceTable(title, trace) {
  const shortPath = (p) => {
    const path = p.replace(/^\/v[\d.]+\//, '/').replace(/[0-9a-f]{64}/g, '<id>').replace(/glci-[\w.-]+/g, (n) => (n.length > 28 ? `${n.slice(0, 25)}...` : n));
    return path.length > 80 ? `${path.slice(0, 77)}...` : path;
  };
  const timed = trace.calls.map((c) => ({ at: c.start, row: [millis(c.start), Number.isNaN(c.end) ? '' : millis(c.end - c.start), c.method, shortPath(c.path), c.status] }));
  // glci's --json events in the same time line (ms clock, so ±1 ms): where each section starts and ends.
  for (const e of parseEvents(trace.stdout)) {
    const at = e.time - trace.wall0;
    if (['pipeline_start', 'job_end', 'pipeline_end'].includes(e.type)) timed.push({ at, row: [millis(at), '', 'event', e.type, ''] });
    for (const m of e.type === 'job_output' ? e.text.matchAll(/section_(start|end):\d+:(\w+)/g) : []) timed.push({ at, row: [millis(at), '', 'log', `section_${m[1]} ${m[2]}`, ''] });
  }
  const rows = timed.sort((a, b) => a.at - b.at).map((t) => t.row);
  rows.push([millis(trace.exit), '', 'exit', '', '']);
  return formatTable([`${title}: sent at (since spawn)`, 'took', 'call', 'path', 'status'], rows);
}

// ---------------------------------------------------------------- report

const cell = (s) => (s ? [seconds(s.min), seconds(s.median), seconds(s.max)] : ['failed', '', '']);
const rss = (s) => (s?.peakRssMb !== undefined ? `${s.peakRssMb.toFixed(0)} MB` : '');
const ratioOf = (a, b) => (a && b && b.median > 0 ? a.median / b.median : NaN);
const ratioText = (r) => (Number.isNaN(r) ? '' : `${r.toFixed(2)}x`);
const targetText = (r, target) => (Number.isNaN(r) ? '' : `≤ ${target}x (${r <= target ? 'met' : 'missed'})`);
const medianOf = (values) => {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length > 0 ? summarize(finite) : null;
};

function wallTable(r) {
  const rows = [];
  const trivialRatio = ratioOf(r.trivial.glci, r.trivial.bare);
  const filesRatio = ratioOf(r.files.glci, r.files.baseline);
  rows.push(['trivial', 'glci run', ...cell(r.trivial.glci), rss(r.trivial.glci), ratioText(trivialRatio), targetText(trivialRatio, TRIVIAL_TARGET), ratioText(ratioOf(r.trivial.glci, r.trivial.peer))]);
  rows.push(['', 'docker run --rm (bare)', ...cell(r.trivial.bare), '', '', '', '']);
  if (withPeer) rows.push(['', 'gitlab-ci-local', ...cell(r.trivial.peer), rss(r.trivial.peer), '', '', '']);
  rows.push(['service', 'glci run', ...cell(r.service.glci), rss(r.service.glci), '', '', ratioText(ratioOf(r.service.glci, r.service.peer))]);
  if (withPeer) rows.push(['', 'gitlab-ci-local', ...cell(r.service.peer), rss(r.service.peer), '', '', '']);
  rows.push(['10k files', 'glci run', ...cell(r.files.glci), rss(r.files.glci), ratioText(filesRatio), targetText(filesRatio, FILES_TARGET), ratioText(ratioOf(r.files.glci, r.files.peer))]);
  rows.push(['', 'create + tar|cp + rm (baseline)', ...cell(r.files.baseline), '', '', '', '']);
  if (withPeer) rows.push(['', 'gitlab-ci-local', ...cell(r.files.peer), rss(r.files.peer), '', '', '']);
  return formatTable(['wall time, whole process', 'command', 'min', 'median', 'max', 'peak RSS', 'vs baseline (median)', 'target', 'vs gitlab-ci-local (median)'], rows);
}

function copyTable(r) {
  const glci = medianOf(r.files.glci?.phases.map((p) => p.sources) ?? []);
  const base = medianOf(r.files.baseline?.copies ?? []);
  const peer = medianOf(r.files.peer?.copies ?? []);
  const row = (name, s, what) => [name, ...(s ? [millis(s.min), millis(s.median), millis(s.max)] : ['failed', '', '']), what];
  const rows = [
    row('glci get_sources section', glci, 'git files listed + shallow .git + tar stream into the build container (putArchive)'),
    row('baseline tar -c | docker cp -', base, 'two processes, into a created container'),
  ];
  if (withPeer) rows.push(row('gitlab-ci-local "copied to docker volumes"', peer, 'its own figure: id check run, helper create, docker cp, chown/chmod run, rm (its rsync into its state folder comes before, not included)'));
  const ratio = glci && base ? `glci get_sources / baseline copy (median): ${(glci.median / base.median).toFixed(2)}x\n` : '';
  return `${formatTable(['10k files, copy alone', 'min', 'median', 'max', 'what is timed'], rows)}${ratio}`;
}

function phaseTable(r, reference) {
  const cases = [['trivial', r.trivial.glci], ['service', r.service.glci], ['10k files', r.files.glci]].filter(([, s]) => s);
  const names = [
    ['startup', 'spawn → pipeline_start: node, CLI, config, plan, runner routing, engine probe'],
    ['prepare', 'prepare_executor: image, network, volume, services, build container, mkdir'],
    ['sources', 'get_sources: project tar into the container'],
    ['scriptStart', 'step_script start → first "$ " echo: attach, start, shell'],
    ['scriptRest', 'first echo → step_script end: the script, wait'],
    ['finish', 'step_script end → job_end: cleanup stages, remove container/volume'],
    ['exit', 'pipeline_end → process exit'],
    ['total', 'whole process'],
  ];
  const rows = names.map(([key, what]) => [what, ...cases.map(([, s]) => {
    const m = medianOf(s.phases.map((p) => p[key]));
    return m ? millis(m.median) : '';
  })]);
  let text = formatTable(['glci phase (median of runs, from --json event times)', ...cases.map(([c]) => c)], rows);
  const ref = (s) => (s ? millis(s.median) : 'failed');
  text += `reference, whole processes (medians): \`node -e ""\` ${ref(reference.node)}; \`glci list\` on the trivial project ${ref(reference.list)} (node + CLI + config + plan, no engine); `;
  text += `\`node -e "await import('dockerode')"\` ${ref(reference.dockerode)} (node + loading the engine client glci uses)\n`;
  return text;
}

// ---------------------------------------------------------------- main

async function main() {
  const engineVersion = preflight();
  const peer = withPeer ? await ensurePeer() : null;
  process.stderr.write('preparing the test images...\n');
  const images = prepareImages();
  const before = glciContainers();
  const scratch = mkdtempSync(join(tmpdir(), 'glci-bench-docker-'));
  const configHome = join(scratch, 'config');
  mkdirSync(configHome);
  const env = glciEnvironment(configHome);
  const failures = [];
  const projects = [];
  const project = (make, prefix, yaml) => {
    const dir = make(prefix, yaml);
    projects.push(dir, realpathSync(dir));
    return dir;
  };
  const r = { trivial: {}, service: {}, files: {} };
  const reference = {};
  const traces = [];
  try {
    // Each tool gets its own project, so neither sees the other's state folder (nor copies it).
    process.stderr.write(`trivial job (${runs} runs each after a warm-up)...\n`);
    const trivialDir = project(makeProject, 'glci-bench-trivial-', trivialYaml(images));
    r.trivial.glci = attempt('glci (trivial)', failures, () => measureGlci(trivialDir, 'trivial', env));
    r.trivial.bare = attempt('docker run (trivial)', failures, () => measureProcess({ file: 'docker', args: ['run', '--rm', '--label', BENCH_LABEL, images.busybox, 'sh', '-c', ':'], runs }));
    reference.node = attempt('node -e ""', failures, () => measure({ node: process.execPath, args: ['-e', ''], runs }));
    reference.list = attempt('glci list', failures, () => measure({ node: process.execPath, args: [glciBin, 'list', '--cwd', trivialDir], env, runs }));
    // glci loads dockerode (lazily) only when a job goes to the docker executor: what that costs alone.
    reference.dockerode = attempt('import dockerode', failures, () => measure({ node: process.execPath, args: ['--input-type=module', '-e', "await import('dockerode')"], cwd: repoRoot, runs }));
    if (peer) {
      const dir = project(makeProject, 'glci-bench-trivial-peer-', trivialYaml(images));
      r.trivial.peer = attempt('gitlab-ci-local (trivial)', failures, () => measurePeer(peer, images, dir, 'trivial'));
    }

    process.stderr.write('job with one service...\n');
    const serviceDir = project(makeProject, 'glci-bench-service-', serviceYaml(images));
    r.service.glci = attempt('glci (service)', failures, () => measureGlci(serviceDir, 'service', env, checkService));
    if (peer) {
      const dir = project(makeProject, 'glci-bench-service-peer-', serviceYaml(images));
      r.service.peer = attempt('gitlab-ci-local (service)', failures, () => measurePeer(peer, images, dir, 'service', checkService));
    }

    process.stderr.write(`${DIRS * FILES_PER_DIR}-file project...\n`);
    const filesDir = project(makeFilesProject, 'glci-bench-files-', filesYaml(images));
    r.files.glci = attempt('glci (10k files)', failures, () => measureGlci(filesDir, 'files', env, checkFileCount));
    const baselineDir = project(makeFilesProject, 'glci-bench-files-base-', filesYaml(images));
    r.files.baseline = attempt('baseline (10k files)', failures, () => measureBaselineCopy(images, baselineDir));
    if (peer) {
      const dir = project(makeFilesProject, 'glci-bench-files-peer-', filesYaml(images));
      r.files.peer = attempt('gitlab-ci-local (10k files)', failures, () => measurePeer(peer, images, dir, 'files', checkFileCount));
    }

    if (withTrace) {
      if (engineSocket() === null) {
        process.stderr.write('engine call trace skipped: the engine is not on a unix socket (DOCKER_HOST / DOCKER_CONTEXT)\n');
      } else {
        process.stderr.write('tracing the engine calls of one trivial and one 10k-file job...\n');
        const glciTrace = await traceEngineCalls(process.execPath, [glciBin, 'run', '--json', '--cwd', trivialDir, 'trivial'], env, trivialDir).catch((e) => void failures.push(`trace glci: ${e.message}`));
        if (glciTrace) traces.push(traceTable('glci run trivial', glciTrace));
        const filesTrace = await traceEngineCalls(process.execPath, [glciBin, 'run', '--json', '--cwd', filesDir, 'files'], env, filesDir).catch((e) => void failures.push(`trace glci 10k files: ${e.message}`));
        if (filesTrace) traces.push(traceTable('glci run files (10k)', filesTrace));
        const bareTrace = await traceEngineCalls('docker', ['run', '--rm', '--label', BENCH_LABEL, images.busybox, 'sh', '-c', ':'], process.env, scratch).catch((e) => void failures.push(`trace docker run: ${e.message}`));
        if (bareTrace) traces.push(traceTable('docker run --rm', bareTrace));
      }
    }
  } finally {
    for (const dir of projects) rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  const after = glciContainers();
  const left = leftovers(projects);

  process.stdout.write(`\n${wallTable(r)}\n${copyTable(r)}\n${phaseTable(r, reference)}\n`);
  for (const t of traces) process.stdout.write(`${t}\n`);
  process.stdout.write(
    `runs: ${runs} per command, each after 1 warm-up run; Docker engine ${engineVersion}; node ${process.version}; glci with --json and no config.toml; ratio < 1 means glci is faster\n`,
  );
  const leftCount = left.glci.containers + left.glci.volumes + left.glci.networks + left.baseline + left.peer.volumes + left.peer.networks;
  process.stdout.write(
    `containers labelled ${GLCI_LABEL} on the engine: ${before} before, ${after} after (the whole engine: other users of it count too)\n` +
      `left behind by this benchmark: ${leftCount === 0 ? 'nothing' : 'YES'} (glci: ${left.glci.containers} containers, ${left.glci.volumes} volumes, ${left.glci.networks} networks of its projects; ` +
      `baseline/bare: ${left.baseline} containers; gitlab-ci-local: ${left.peer.volumes} volumes, ${left.peer.networks} networks)\n`,
  );
  if (leftCount > 0) failures.push('containers, volumes or networks were left behind (see the line above; `glci clean` removes glci\'s)');
  reportFailures(failures);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
