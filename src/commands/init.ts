import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { initRunnerConfig, type InitResult } from '../app/init-config.js';

const STYLE_NAMES: Record<InitResult['style'], string> = {
  docker: 'one docker runner',
  'dind-tls': 'a docker runner for Docker-in-Docker with TLS',
  'dind-socket': 'a docker runner that binds the host engine socket',
};

export default class Init extends BaseCommand {
  static override description =
    'Write a commented GitLab Runner config.toml that works as it is: one docker runner, or one set up for Docker-in-Docker (--dind tls: a privileged docker:dind service; --dind socket: the host engine socket). Never overwrites a file without --force';
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --dind tls',
    '<%= config.bin %> init --dind socket --config ./ci/config.toml',
    '<%= config.bin %> init --dind tls --no-probe --force',
  ];
  static override flags = {
    dind: Flags.string({ description: 'Set up Docker-in-Docker: tls (privileged docker:dind service, certificates in /certs/client) or socket (bind /var/run/docker.sock)', options: ['tls', 'socket'], env: 'GLCI_DIND' }),
    config: Flags.string({ description: 'Where to write (default: $XDG_CONFIG_HOME/glci/config.toml or ~/.config/glci/config.toml)', env: 'GLCI_CONFIG' }),
    force: Flags.boolean({ description: 'Overwrite the file if it exists', env: 'GLCI_FORCE' }),
    probe: Flags.boolean({
      description: 'With --dind tls: try a privileged container and add privileged_fallback = true when the engine refuses it (--no-probe: write without asking the engine)',
      default: true,
      allowNo: true,
      env: 'GLCI_PROBE',
    }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const result = await initRunnerConfig({
      ...(flags.dind === 'tls' || flags.dind === 'socket' ? { dind: flags.dind } : {}),
      ...(flags.config ? { path: flags.config } : {}),
      force: flags.force,
      probe: flags.probe,
      env: process.env,
    });
    if (!this.jsonEnabled()) {
      this.log(`wrote ${result.path} (${STYLE_NAMES[result.style]}${result.privilegedFallback ? ', with privileged_fallback: this engine refused a privileged container' : ''}):`);
      this.log('');
      this.log(result.content.trimEnd());
      this.log('');
      this.log('next:');
      for (const line of result.next) this.log(`  ${line}`);
    }
    return result;
  }
}
