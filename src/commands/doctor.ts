import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { withProjectFile } from '../cli/project-flags.js';
import { DEFAULT_DIND_IMAGE, doctorLines, runDoctor, type DoctorReport } from '../app/doctor.js';

export default class Doctor extends BaseCommand {
  static override description =
    'Check that glci can run jobs here: the Docker engine, privileged containers (and the privileged fallback), Docker-in-Docker, the runner config, the git checkout, the state directory and Node.js. Exit status 0: nothing failed; 2: the runner config does not load; 3: the engine or host cannot run jobs';
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --image alpine:3.20 --dind-image docker:27-dind',
    '<%= config.bin %> doctor --json',
  ];
  static override flags = {
    config: Flags.string({
      description: 'GitLab Runner config.toml to check (default: $XDG_CONFIG_HOME/glci/config.toml or ~/.config/glci/config.toml)',
      env: 'GLCI_CONFIG',
    }),
    image: Flags.string({
      description: 'Local image (with sh) for the privileged test containers (default: the config\'s [runners.docker] image, else busybox:latest or alpine:latest if present); never pulled',
      env: 'GLCI_IMAGE',
    }),
    'dind-image': Flags.string({ description: 'Local Docker-in-Docker image to start (never pulled)', default: DEFAULT_DIND_IMAGE, env: 'GLCI_DIND_IMAGE' }),
    'state-dir': Flags.string({ description: 'State directory to check (default: <project>/.glci)', env: 'GLCI_STATE_DIR' }),
  };

  async run(): Promise<DoctorReport> {
    // The state directory and runner config .glci.yml names, like `glci run`.
    const { flags } = await withProjectFile(await this.parse(Doctor), Doctor.flags);
    const report = await runDoctor({
      ...(flags.cwd ? { cwd: flags.cwd } : {}),
      // A value oclif took from GLCI_CONFIG is left to the loader, so its messages name the variable.
      ...(flags.config && flags.config !== process.env.GLCI_CONFIG ? { configPath: flags.config } : {}),
      ...(flags['state-dir'] ? { stateDir: flags['state-dir'] } : {}),
      ...(flags.image ? { image: flags.image } : {}),
      dindImage: flags['dind-image'],
      env: process.env,
    });
    if (!this.jsonEnabled()) for (const line of doctorLines(report)) this.log(line);
    process.exitCode = report.exitCode;
    return report;
  }
}
