import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../app/completion-scripts.js';

export default class Completion extends BaseCommand {
  static override description = `Print a shell completion script: commands, flags and the job names of the pipeline in the current directory

Install it once (new shells pick it up):
  bash  glci completion bash > ~/.local/share/bash-completion/completions/glci
        (or add to ~/.bashrc: source <(glci completion bash))
  zsh   glci completion zsh > "\${fpath[1]}/_glci"   (a directory of $fpath, before compinit runs)
        (or add to ~/.zshrc after compinit: source <(glci completion zsh))
  fish  glci completion fish > ~/.config/fish/completions/glci.fish

The script calls glci on every Tab press, so new commands, flags and jobs complete without reinstalling.`;
  static override examples = [
    '<%= config.bin %> completion bash > ~/.local/share/bash-completion/completions/glci',
    '<%= config.bin %> completion zsh > "${fpath[1]}/_glci"',
    '<%= config.bin %> completion fish > ~/.config/fish/completions/glci.fish',
  ];
  static override enableJsonFlag = false;
  static override args = { shell: Args.string({ description: 'The shell: bash, zsh or fish', options: [...COMPLETION_SHELLS], required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(Completion);
    process.stdout.write(completionScript(args.shell as CompletionShell, this.config.bin));
  }
}
