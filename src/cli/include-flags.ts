// Flags of every command that resolves a configuration's includes (list, lint, run, graph, explain):
// `--offline` reads include:project/component/template/remote files only from glci's include cache.
import { Flags } from '@oclif/core';

export const includeFlags = {
  offline: Flags.boolean({
    description: 'Read included files of other projects, components, templates and remote URLs only from the include cache (what earlier online runs fetched), never from the network',
    env: 'GLCI_OFFLINE',
  }),
};

/** The app options the include flags give. */
export function includeOptionsFrom(flags: { offline?: boolean | undefined }): { offline: boolean } {
  return { offline: flags.offline === true };
}
