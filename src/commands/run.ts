import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { contextFlags, contextOptionsFrom } from '../cli/context-flags.js';
import { includeFlags, includeOptionsFrom } from '../cli/include-flags.js';
import { kubernetesFlags, kubernetesOptionsFrom } from '../cli/kubernetes-flags.js';
import { printWarnings } from '../cli/diagnostics.js';
import { withProjectFile } from '../cli/project-flags.js';
import { runPipelineCommand, type RunOptions } from '../app/run-pipeline.js';
import { watchPipelineCommand } from '../app/watch-pipeline.js';
import { renderError } from '../cli/render-error.js';

export default class Run extends BaseCommand {
  static override description = 'Run the pipeline, or the named jobs, as GitLab Runner would';
  static override examples = [
    '<%= config.bin %> run',
    '<%= config.bin %> run build "test 1/3"',
    '<%= config.bin %> run deploy --needs',
    '<%= config.bin %> run --manual deploy --json',
    '<%= config.bin %> run --config ci/config.toml --ignore-tags',
  ];
  static override strict = false;
  static override args = { jobs: Args.string({ description: 'Job names (GitLab\'s names, e.g. "test 1/3", "deploy: [aws, app1]")' }) };
  static override flags = {
    ...contextFlags,
    ...includeFlags,
    preset: Flags.string({ description: 'Run a preset of .glci.yml (its jobs, variables and flags; the command line wins)', env: 'GLCI_PRESET' }),
    needs: Flags.boolean({ description: 'Also run the jobs the named jobs need, transitively', env: 'GLCI_NEEDS' }),
    executor: Flags.string({
      description: 'Run every job on this executor: shell, docker or kubernetes (a pod per job in the cluster of the kubeconfig or of [runners.kubernetes]). Default: per runner of config.toml; on a docker runner, jobs with an image run on docker when the engine answers, the others on shell',
      options: ['shell', 'docker', 'kubernetes'],
      env: 'GLCI_EXECUTOR',
    }),
    ...kubernetesFlags,
    config: Flags.string({ description: 'GitLab Runner config.toml whose [[runners]] take the jobs (default: $XDG_CONFIG_HOME/glci/config.toml or ~/.config/glci/config.toml; without one, a built-in docker runner takes every job)', env: 'GLCI_CONFIG' }),
    'ignore-tags': Flags.boolean({ description: 'Let the first runner of config.toml take every job, whatever its tags', env: 'GLCI_IGNORE_TAGS' }),
    'privileged-fallback': Flags.boolean({
      description: 'Where the engine refuses privileged containers, start those that ask for privileged = true with the broadest set it allows (cap_add ALL minus what the host lacks; glci extension, also privileged_fallback = true in [runners.docker])',
      env: 'GLCI_PRIVILEGED_FALLBACK',
    }),
    concurrency: Flags.integer({ description: 'Jobs running at once (default: config.toml\'s concurrent, or without a config file the number of CPUs)', min: 1, env: 'GLCI_CONCURRENCY' }),
    manual: Flags.string({ description: 'Run this manual job too; repeatable', multiple: true, multipleNonGreedy: true, env: 'GLCI_MANUAL' }),
    timeout: Flags.integer({ description: 'Default job timeout in seconds (a job\'s own timeout: wins)', default: 3600, min: 1, env: 'GLCI_TIMEOUT' }),
    'shell-in-place': Flags.boolean({ description: 'Shell executor: run jobs in the project directory itself, not in a copy', env: 'GLCI_SHELL_IN_PLACE' }),
    'artifacts-to-source': Flags.boolean({ description: 'Also copy each job\'s artifacts into the project directory (by default they stay in the state directory)', env: 'GLCI_ARTIFACTS_TO_SOURCE' }),
    'state-dir': Flags.string({ description: 'Where builds, caches and artifacts are kept (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
    'shell-on-failure': Flags.boolean({
      description: 'When a job fails, open an interactive shell in its environment (the build copy, or the build container with its services) at the failure point; exiting the shell cleans up and the run goes on. Needs a terminal',
      env: 'GLCI_SHELL_ON_FAILURE',
    }),
    'no-tui': Flags.boolean({
      description: 'Print plain prefixed log lines even on a terminal, instead of the live view (which is also off with --json, in CI and when stdout is not a terminal)',
      env: 'GLCI_NO_TUI',
    }),
    watch: Flags.boolean({
      description: 'Run again whenever project files change (what .gitignore ignores aside); a change cancels a running pipeline gracefully; rules:changes sees the changed files, as on a push of them. Ctrl-C ends',
      env: 'GLCI_WATCH',
    }),
  };

  async run(): Promise<void> {
    // .glci.yml and --preset fill in what the command line and GLCI_* leave open.
    // `this.ctor`: `glci exec` is this command with one required job name.
    const command = this.ctor as typeof Run;
    const { flags, argv } = await withProjectFile(await this.parse(command), command.flags);
    const options: RunOptions = {
      ...contextOptionsFrom(flags),
      ...includeOptionsFrom(flags),
      ...kubernetesOptionsFrom(flags),
      manual: flags.manual ?? [],
      file: flags.file,
      jobs: argv as string[],
      withNeeds: flags.needs,
      ...(flags.executor ? { executor: flags.executor } : {}),
      // GLCI_CONFIG alone is left to the loader, so its messages name the variable rather than --config.
      ...(flags.config && flags.config !== process.env.GLCI_CONFIG ? { configPath: flags.config } : {}),
      ignoreTags: flags['ignore-tags'],
      privilegedFallback: flags['privileged-fallback'],
      version: this.config.version,
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      timeoutSeconds: flags.timeout,
      shellInPlace: flags['shell-in-place'],
      artifactsToSource: flags['artifacts-to-source'],
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
      ...(flags['shell-on-failure'] ? { shellOnFailure: { stdin: process.stdin, stdout: process.stdout } } : {}),
      ...(flags['no-tui'] ? {} : { liveView: { stdin: process.stdin, stdout: process.stdout } }),
      format: this.jsonEnabled() ? 'json' : 'plain',
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
    };
    const outcome = flags.watch
      ? await watchPipelineCommand({
          ...options,
          reportError: (error) => process.stderr.write(`${renderError(error).text}\n`),
          reportWarnings: (warnings) => printWarnings(warnings, { limit: 3 }),
        })
      : await runPipelineCommand(options);
    printWarnings(outcome.warnings, { limit: 3 });
    process.exitCode = outcome.exitCode;
  }
}
