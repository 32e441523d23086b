// The local copy of a job's trace (GitLab Runner helpers/trace/buffer.go): bytes are kept up to the
// output limit; the write that reaches it is cut (never inside a UTF-8 character) and followed by
// GitLab Runner's two-line notice, and everything after is dropped. The CRC-32 runs along, because
// GitLab checks the final update's `output.checksum` against what it received.
import { crc32 } from 'node:zlib';

export const DEFAULT_OUTPUT_LIMIT_BYTES = 4 * 1024 * 1024;

const BOLD_YELLOW = '\x1b[33;1m';
const RESET = '\x1b[0;m';

/** GitLab Runner's notice, byte for byte (buffer.go `limitExceededMessage`). */
export function limitExceededMessage(limitBytes: number): string {
  return `\n${BOLD_YELLOW}Job's log exceeded limit of ${limitBytes} bytes.\nJob execution will continue but no more output will be collected.${RESET}\n`;
}

export interface TraceBuffer {
  write(chunk: Uint8Array | string): void;
  /** Bytes held (including the notice). */
  size(): number;
  /** Bytes `[start, end)`. */
  slice(start: number, end: number): Buffer;
  bytes(): Buffer;
  /** `crc32:<8 lowercase hex>` of everything held. */
  checksum(): string;
  /** The limit was reached: later writes are dropped. */
  full(): boolean;
}

export function createTraceBuffer(limitBytes = DEFAULT_OUTPUT_LIMIT_BYTES): TraceBuffer {
  let chunks: Buffer[] = [];
  let length = 0;
  let written = 0; // job output accepted, without the notice
  let crc = 0;
  let closed = false;
  const append = (data: Buffer): void => {
    if (data.length === 0) return;
    chunks.push(data);
    length += data.length;
    crc = crc32(data, crc);
  };
  const compact = (): Buffer => {
    if (chunks.length !== 1) chunks = [Buffer.concat(chunks, length)];
    return chunks[0] ?? Buffer.alloc(0);
  };
  return {
    write(chunk) {
      if (closed) return;
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      const room = limitBytes - written;
      if (data.length < room) {
        append(data);
        written += data.length;
        return;
      }
      const cut = utf8Boundary(data, room);
      append(data.subarray(0, cut));
      written += cut;
      append(Buffer.from(limitExceededMessage(limitBytes), 'utf8'));
      closed = true;
    },
    size: () => length,
    slice: (start, end) => Buffer.from(compact().subarray(start, end)),
    bytes: () => Buffer.from(compact()),
    checksum: () => `crc32:${(crc >>> 0).toString(16).padStart(8, '0')}`,
    full: () => closed,
  };
}

/** The largest cut ≤ `at` that does not split a UTF-8 sequence of `data`. */
function utf8Boundary(data: Buffer, at: number): number {
  let cut = Math.min(at, data.length);
  if (cut === data.length) return cut;
  let back = 0;
  // Continuation bytes are 10xxxxxx; step back to the sequence's lead byte (at most 3 steps).
  while (cut > 0 && back < 3 && ((data[cut] ?? 0) & 0xc0) === 0x80) {
    cut--;
    back++;
  }
  return cut;
}

/** `crc32:<hex>` of arbitrary bytes (what GitLab computes over the stored trace). */
export function traceChecksum(data: Uint8Array): string {
  return `crc32:${(crc32(data) >>> 0).toString(16).padStart(8, '0')}`;
}
