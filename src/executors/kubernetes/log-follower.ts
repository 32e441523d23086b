// The attach strategy's output side (runner-behavior.md §11.4 step 3): a step's output is appended
// to the pod's log file, followed by one status line carrying the step's exit code; a long-running
// exec in the helper container follows the file from an offset and streams it live. The status line
// is consumed, never shown, and ends the step.
//
// GitLab Runner's status line is `{"command_exit_code": N, "script": "<path>"}` on a line of its own;
// any process of the job could print that text. glci's line carries a per-step random nonce as well,
// which only the wrapper that writes it knows, so user output cannot end a step or fake its exit
// code: a forged line, or any other text, is output like the rest.
import { PassThrough, Writable } from 'node:stream';
import { ExecutorError } from '../../errors.js';
import type { KubeClient } from './client.js';

const HEAD = '{"command_exit_code": ';
/** Exit codes are 0..255: at most three digits. */
const MAX_DIGITS = 3;

/** The status line the wrapper writes after the step's script exits (without the exit code's digits). */
export function statusLineParts(script: string, nonce: string): { head: string; tail: string } {
  return { head: HEAD, tail: `, "script": ${JSON.stringify(script)}, "nonce": "${nonce}"}\n` };
}

export interface ScanResult {
  /** Bytes to show now: everything that cannot be the start of the status line. */
  output: Buffer;
  /** Set once the status line is complete: the exit code, and how many bytes from the start of the
   *  scan the status line ends at (the next step's log starts there). */
  status: { exitCode: number; end: number } | null;
}

type Match = { kind: 'none' } | { kind: 'partial' } | { kind: 'full'; exitCode: number; length: number };

/**
 * Splits a log byte stream into output and the status line (pure). The status line may arrive split
 * over chunks, and may follow output that did not end in a newline (`printf abc` as the last command),
 * so it is looked for anywhere, not only at line starts. Only the shortest tail of the stream that
 * could still become the status line is held back; everything else is shown at once.
 */
export class StatusScanner {
  private readonly head: string;
  private readonly tail: string;
  /** Held-back text (latin1: one character per byte, so any byte sequence round-trips). */
  private held = '';
  /** Bytes scanned before `held`. */
  private passed = 0;
  private done = false;

  constructor(script: string, nonce: string) {
    ({ head: this.head, tail: this.tail } = statusLineParts(script, nonce));
  }

  push(chunk: Uint8Array): ScanResult {
    if (this.done) return { output: Buffer.alloc(0), status: null };
    const text = this.held + Buffer.from(chunk).toString('latin1');
    for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
      const match = this.matchAt(text, i);
      if (match.kind === 'none') continue;
      const output = Buffer.from(text.slice(0, i), 'latin1');
      if (match.kind === 'full') {
        this.done = true;
        this.held = '';
        return { output, status: { exitCode: match.exitCode, end: this.passed + i + match.length } };
      }
      this.held = text.slice(i);
      this.passed += i;
      return { output, status: null };
    }
    this.held = '';
    this.passed += text.length;
    return { output: Buffer.from(text, 'latin1'), status: null };
  }

  /** Whatever is still held back (shown when the stream ends without a status line). */
  flush(): Buffer {
    const rest = Buffer.from(this.held, 'latin1');
    this.passed += this.held.length;
    this.held = '';
    return rest;
  }

  private matchAt(text: string, at: number): Match {
    const { head, tail } = this;
    const s = text.slice(at, at + head.length + MAX_DIGITS + tail.length);
    if (s.length <= head.length) return head.startsWith(s) ? { kind: 'partial' } : { kind: 'none' };
    if (!s.startsWith(head)) return { kind: 'none' };
    let end = head.length;
    while (end < s.length && end - head.length < MAX_DIGITS && s[end]! >= '0' && s[end]! <= '9') end++;
    if (end === s.length) return { kind: 'partial' };
    if (end === head.length) return { kind: 'none' };
    const rest = s.slice(end);
    if (rest.length < tail.length) return tail.startsWith(rest) ? { kind: 'partial' } : { kind: 'none' };
    if (!rest.startsWith(tail)) return { kind: 'none' };
    return { kind: 'full', exitCode: Number(s.slice(head.length, end)), length: end + tail.length };
  }
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * The helper's follower: `tail -c +N` prints the file from the offset and leaves the shared file
 * offset at its end, then `cat` picks up what was appended, every 0.2 s. Busybox `tail -f` polls
 * once a second, which every step's end would wait for (GitLab's read-logs polls every 0.5 s). The
 * follower ends when its stdin closes; the loop finishes its current `cat` or `sleep` and is waited
 * for, so nothing is left to the helper's main shell, which never reaps (it only reads stdin).
 */
export function followCommand(logPath: string, offset: number): string[] {
  const log = quote(logPath);
  const poll = 'sleep 0.2 2>/dev/null || sleep 1';
  const loop = `{ trap 'exit 0' TERM; tail -c +${offset + 1}; while :; do cat; ${poll}; done; } < ${log}`;
  return ['sh', '-c', `[ -f ${log} ] || { echo "no log file ${logPath}" >&2; exit 1; }; ${loop} & f=$!; cat > /dev/null; kill $f 2>/dev/null; wait $f; true`];
}

export interface FollowSpec {
  client: KubeClient;
  namespace: string;
  pod: string;
  container: string;
  logPath: string;
  /** Where in the file this step's output starts. */
  offset: number;
  scanner: StatusScanner;
  output: (chunk: Buffer) => void;
}

export interface LogFollower {
  /** The step's exit code and the offset just past its status line. */
  readonly done: Promise<{ exitCode: number; nextOffset: number }>;
  /** Ends the follower (idempotent); `done` stays pending if the status line was not read by then. */
  stop(): void;
}

export function followLog(spec: FollowSpec): LogFollower {
  const stdin = new PassThrough();
  const errors: Buffer[] = [];
  // Set once the status line was read or the follower was stopped: what the exec does after that
  // (ending, failing) no longer concerns the step.
  let finished = false;
  const stop = () => {
    finished = true;
    if (!stdin.writableEnded) stdin.end();
  };
  const done = new Promise<{ exitCode: number; nextOffset: number }>((resolve, reject) => {
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (!finished) {
          const { output, status } = spec.scanner.push(chunk);
          if (output.length) spec.output(output);
          if (status) {
            stop();
            resolve({ exitCode: status.exitCode, nextOffset: spec.offset + status.end });
          }
        }
        callback();
      },
    });
    const stderr = new Writable({ write: (chunk: Buffer, _e, callback) => (errors.push(chunk), callback()) });
    const where = `${spec.namespace}/${spec.pod}/${spec.container}`;
    spec.client.exec(spec.namespace, spec.pod, spec.container, followCommand(spec.logPath, spec.offset), { stdin, stdout, stderr }).then(
      (code) => {
        if (finished) return;
        const rest = spec.scanner.flush();
        if (rest.length) spec.output(rest);
        const why = Buffer.concat(errors).toString().trim() || `exit code ${code}`;
        reject(new ExecutorError('KUBE_LOG', `the job log ${spec.logPath} in ${where} stopped before the step ended: ${why}`));
      },
      (error: unknown) => {
        if (!finished) reject(new ExecutorError('KUBE_LOG', `cannot follow the job log ${spec.logPath} in ${where}: ${(error as Error).message}`, undefined, { cause: error }));
      },
    );
  });
  return { done, stop };
}
