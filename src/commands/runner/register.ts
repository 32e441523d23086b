import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { runnerConfigFlag } from '../../cli/runner-flags.js';
import { runnerConfigFile, stderrRunnerLog } from '../../app/runner-manage.js';
import { createTerminalPrompter } from '../../app/runner-prompt.js';
import { registerRunner, REGISTER_EXECUTORS, type RegisterResult } from '../../app/runner-register.js';

export default class RunnerRegister extends BaseCommand {
  static override description = 'Register a runner with GitLab (a glrt- runner authentication token, or a legacy registration token) and add it to config.toml';
  static override examples = [
    '<%= config.bin %> runner register --url https://gitlab.com/ --token glrt-XXXX --executor docker --docker-image alpine:3.20 --non-interactive',
    '<%= config.bin %> runner register --config ./config.toml',
  ];
  static override flags = {
    ...runnerConfigFlag,
    url: Flags.string({ char: 'u', description: 'GitLab instance URL', env: 'GLCI_URL' }),
    token: Flags.string({ char: 't', aliases: ['registration-token'], description: 'Runner authentication token (glrt-...), or a legacy registration token', env: 'GLCI_TOKEN' }),
    executor: Flags.string({ description: 'Executor of the runner', options: [...REGISTER_EXECUTORS], env: 'GLCI_EXECUTOR' }),
    name: Flags.string({ aliases: ['description'], description: 'Runner name, stored in config.toml (default: the host name)', env: 'GLCI_NAME' }),
    'docker-image': Flags.string({ description: 'Default image of the docker executor ([runners.docker] image)', env: 'GLCI_DOCKER_IMAGE' }),
    'tls-ca-file': Flags.string({ description: 'PEM CA certificates to trust for GitLab besides the system\'s (written as tls-ca-file)', env: 'GLCI_TLS_CA_FILE' }),
    'tls-cert-file': Flags.string({ description: 'PEM client certificate for a GitLab that asks for one (tls-cert-file)', env: 'GLCI_TLS_CERT_FILE' }),
    'tls-key-file': Flags.string({ description: 'PEM key of the client certificate (tls-key-file)', env: 'GLCI_TLS_KEY_FILE' }),
    'non-interactive': Flags.boolean({ char: 'n', description: 'Ask nothing: a missing value is an error', env: 'GLCI_NON_INTERACTIVE' }),
    'tag-list': Flags.string({ description: 'Legacy registration only: comma-separated tags', env: 'GLCI_TAG_LIST' }),
    'run-untagged': Flags.boolean({ env: 'GLCI_RUN_UNTAGGED', description: 'Legacy registration only: run untagged jobs (default: when there are no tags)' }),
    locked: Flags.boolean({ env: 'GLCI_LOCKED', allowNo: true, description: 'Legacy registration only: lock the runner to the project (default: locked)' }),
    'access-level': Flags.string({ env: 'GLCI_ACCESS_LEVEL', options: ['not_protected', 'ref_protected'], description: 'Legacy registration only: run jobs of protected refs only (ref_protected)' }),
    'maximum-timeout': Flags.integer({ env: 'GLCI_MAXIMUM_TIMEOUT', min: 0, description: 'Legacy registration only: maximum job timeout in seconds' }),
    paused: Flags.boolean({ env: 'GLCI_PAUSED', description: 'Legacy registration only: register the runner paused' }),
    'maintenance-note': Flags.string({ env: 'GLCI_MAINTENANCE_NOTE', description: 'Legacy registration only: maintenance note' }),
  };

  async run(): Promise<RegisterResult> {
    const { flags } = await this.parse(RunnerRegister);
    const interactive = !flags['non-interactive'] && Boolean(process.stdin.isTTY);
    // GitLab Runner asks on stderr (Go's println), so stdout stays clean for --json.
    const prompter = interactive ? createTerminalPrompter(process.stdin, process.stderr) : undefined;
    try {
      return await registerRunner({
        url: flags.url, token: flags.token, executor: flags.executor, name: flags.name, dockerImage: flags['docker-image'],
        tls: { tlsCaFile: flags['tls-ca-file'], tlsCertFile: flags['tls-cert-file'], tlsKeyFile: flags['tls-key-file'] },
        server: {
          tagList: flags['tag-list'], runUntagged: flags['run-untagged'], locked: flags.locked,
          accessLevel: flags['access-level'] as 'not_protected' | 'ref_protected' | undefined,
          maximumTimeout: flags['maximum-timeout'], paused: flags.paused, maintenanceNote: flags['maintenance-note'],
        },
        configFile: runnerConfigFile({ path: flags.config, env: process.env }),
        ...(prompter ? { prompter } : {}),
        version: this.config.version,
        log: stderrRunnerLog(),
      });
    } finally {
      prompter?.close();
    }
  }
}
