import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { runRunners } from '../../app/runner-run.js';

export default class RunnerRun extends BaseCommand {
  static override description = 'Run as a GitLab runner: take jobs for every runner of config.toml and run them on their executors';
  static override enableJsonFlag = false;
  static override examples = [
    '<%= config.bin %> runner run',
    '<%= config.bin %> runner run --config /etc/gitlab-runner/config.toml --working-directory /home/gitlab-runner',
    '<%= config.bin %> runner run --log-format json',
  ];
  static override flags = {
    config: Flags.string({ char: 'c', description: 'The runner config.toml (default: as glci run finds it)', env: 'GLCI_CONFIG' }),
    'working-directory': Flags.directory({
      char: 'd',
      exists: true,
      description: 'Where builds and caches of shell jobs live (default: the current directory)',
      env: 'GLCI_WORKING_DIRECTORY',
    }),
    'log-format': Flags.string({ description: 'Format of the runner\'s own log', options: ['runner', 'text', 'json'], env: 'GLCI_LOG_FORMAT' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RunnerRun);
    const exitCode = await runRunners({
      ...(flags.config ? { configPath: flags.config } : {}),
      workingDirectory: flags['working-directory'] ?? process.cwd(),
      ...(flags['log-format'] ? { logFormat: flags['log-format'] as 'runner' | 'text' | 'json' } : {}),
      version: this.config.version,
      env: process.env,
      stderr: process.stderr,
      signals: true,
    });
    // A second SIGTERM/SIGINT means "exit now", as with GitLab Runner: the jobs' processes and
    // containers that are still being stopped must not keep the process alive.
    if (exitCode !== 0) process.exit(exitCode);
  }
}
