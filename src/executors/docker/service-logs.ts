// CI_DEBUG_SERVICES: every service's log streamed live into the job log, each line prefixed
// `[service:<alias1>-<alias2>] ` in grey as GitLab Runner does (runner-behavior.md §2.5).
import type { JobIO } from '../executor.js';
import type { DockerClient } from './client.js';
import type { StartedService } from './services.js';

const GREY = '\x1b[0;90m';
const RESET = '\x1b[0;m';

/** Starts one follower per service; they stop when `signal` aborts (cleanup) or the service stops. */
export function followServiceLogs(client: DockerClient, services: StartedService[], io: JobIO, signal: AbortSignal): void {
  for (const service of services) {
    const prefix = `${GREY}[service:${service.aliases.join('-') || service.containerName}]${RESET} `;
    let partial = '';
    const onChunk = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      if (lines.length > 0) io.output(Buffer.from(lines.map((line) => `${prefix}${line}\n`).join('')));
    };
    void client.followLogs(service.containerId, onChunk, signal).catch(() => undefined).finally(() => {
      if (partial !== '') io.output(Buffer.from(`${prefix}${partial}\n`));
    });
  }
}
