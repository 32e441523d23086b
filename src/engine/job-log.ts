// One job's log: executor bytes and runner lines go through one streaming decoder and ONE masker before
// any job_output event leaves the engine (runner-behavior.md §10.4: masking applies to everything written
// to the trace, including runner messages, even when a secret is split across writes).
import type { JobIO } from '../executors/executor.js';
import type { JobProgress } from '../model/events.js';
import { type Masker, createMasker, maskText } from '../variables/index.js';
import { runnerLine, stageTitle } from '../log/runner-lines.js';
import { sectionEnd, sectionStart } from '../log/sections.js';
import type { Clock, JobLogger } from './options.js';

export class JobLog implements JobLogger {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly masker: Masker;

  /** Raw executor output enters here. */
  readonly io: JobIO = {
    output: (chunk) => this.push(this.decoder.decode(chunk, { stream: true })),
    // Structured progress leaves the engine masked too (an image name may hold a secret's value).
    progress: (progress) => this.emitProgress?.(this.maskProgress(progress)),
  };

  constructor(
    private readonly emit: (text: string) => void,
    private readonly secrets: string[],
    private readonly clock: Clock,
    private readonly emitProgress?: (progress: JobProgress) => void,
  ) {
    this.masker = createMasker(secrets);
  }

  private maskProgress(progress: JobProgress): JobProgress {
    const mask = (text: string) => maskText(text, this.secrets);
    return { ...progress, image: mask(progress.image), status: mask(progress.status), ...(progress.detail ? { detail: mask(progress.detail) } : {}) };
  }

  print(message: string): void {
    this.write(runnerLine('print', message));
  }

  info(message: string): void {
    this.write(runnerLine('info', message));
  }

  warn(message: string): void {
    this.write(runnerLine('warn', message));
  }

  error(message: string): void {
    this.write(runnerLine('error', message));
  }

  /** `section_start:<unix seconds>:<name>\r\e[0K` then the bold cyan title (runner-behavior.md §10.1). */
  sectionStart(name: string, title: string): void {
    this.write(sectionStart(name, new Date(this.clock.now())));
    this.write(stageTitle(title));
  }

  sectionEnd(name: string): void {
    this.write(sectionEnd(name, new Date(this.clock.now())));
  }

  /** Emits everything held back (an incomplete UTF-8 sequence, a possible secret prefix). */
  flush(): void {
    this.push(this.decoder.decode());
    const rest = this.masker.flush();
    if (rest !== '') this.emit(rest);
  }

  /** Runner text: bytes still in the decoder belong before it. */
  private write(text: string): void {
    this.push(this.decoder.decode());
    this.push(text);
  }

  private push(text: string): void {
    if (text === '') return;
    const masked = this.masker.push(text);
    if (masked !== '') this.emit(masked);
  }
}
