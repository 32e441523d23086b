// The flag the `glci runner` management commands share: the config.toml they edit.
import { Flags } from '@oclif/core';

export const runnerConfigFlag = {
  config: Flags.string({
    char: 'c',
    description: 'The runner config.toml (default: GLCI_CONFIG, else $XDG_CONFIG_HOME/glci/config.toml or ~/.config/glci/config.toml, the file glci runner run reads)',
    env: 'GLCI_CONFIG',
  }),
};
