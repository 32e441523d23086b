import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { contextFlags } from '../../cli/context-flags.js';
import { hookFlag, hookSelection, jobSelectionFlags } from '../../cli/hook-flags.js';
import { runHook } from '../../app/hook-run.js';

export default class HookRun extends BaseCommand {
  static override description = 'Run the selected jobs on the staged content (pre-commit) or the pushed commits (pre-push); what git hooks call';
  static override examples = ['<%= config.bin %> hook run', '<%= config.bin %> hook run --jobs lint', 'echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git rev-parse @{u})" | <%= config.bin %> hook run --hook pre-push'];
  // pre-push hooks get the remote's name and URL as arguments; they are accepted and not needed.
  // ignoreStdin: oclif would otherwise read a piped stdin as a missing argument, and pre-push's stdin
  // carries the pushed refs.
  static override args = {
    remote: Args.string({ description: 'Remote name (given by git to pre-push)', ignoreStdin: true }),
    url: Args.string({ description: 'Remote URL (given by git to pre-push)', ignoreStdin: true }),
  };
  static override flags = {
    hook: hookFlag,
    ...jobSelectionFlags,
    variable: contextFlags.variable,
    executor: Flags.string({ description: 'Run every job on this executor: shell or docker (default: per runner of config.toml)', options: ['shell', 'docker'], env: 'GLCI_EXECUTOR' }),
    config: Flags.string({ description: 'GitLab Runner config.toml whose [[runners]] take the jobs', env: 'GLCI_CONFIG' }),
    'state-dir': Flags.string({ description: 'Where builds, caches and artifacts are kept (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(HookRun);
    const outcome = await runHook({
      ...hookSelection(flags),
      variables: flags.variable ?? [],
      ...(flags.executor ? { executor: flags.executor } : {}),
      // GLCI_CONFIG alone is left to the loader, so its messages name the variable rather than --config.
      ...(flags.config && flags.config !== process.env.GLCI_CONFIG ? { configPath: flags.config } : {}),
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
      version: this.config.version,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
    });
    process.exitCode = outcome.exitCode;
  }
}
