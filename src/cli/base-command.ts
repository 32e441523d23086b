// Base of every glci command: global flags (each with a GLCI_* environment variable), --json,
// and the single place where errors are rendered and the exit status is set.
import { Command, Flags } from '@oclif/core';
import { GlciError, UsageError } from '../errors.js';
import { renderError } from './render-error.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    cwd: Flags.directory({
      exists: true,
      description: 'Project directory (default: the current directory)',
      env: 'GLCI_CWD',
      helpGroup: 'GLOBAL',
    }),
    file: Flags.string({
      description: 'Pipeline file, relative to the project directory',
      default: '.gitlab-ci.yml',
      env: 'GLCI_FILE',
      helpGroup: 'GLOBAL',
    }),
  };

  /** `--json`, or GLCI_JSON=1 (the --json flag's environment variable; oclif's GLCI_CONTENT_TYPE=json works too). */
  public override jsonEnabled(): boolean {
    if (super.jsonEnabled()) return true;
    const env = process.env.GLCI_JSON?.toLowerCase();
    return Boolean(this.ctor?.enableJsonFlag) && (env === '1' || env === 'true');
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<void> {
    // Before parse() finishes, any error is about the command line (a flag's own check, e.g. --cwd exists).
    const rendered = this.parsed || err instanceof GlciError ? renderError(err) : renderError(new UsageError(err.message));
    if (rendered.exitCode === 0) return;
    process.exitCode = rendered.exitCode;
    if (process.env.GLCI_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    // Humans read stderr in every mode; with --json, programs also get the error as JSON on stdout.
    process.stderr.write(`${rendered.text}\n`);
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(rendered.json, null, 2)}\n`);
  }
}
