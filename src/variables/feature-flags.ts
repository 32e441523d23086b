// GitLab Runner's feature flags as a job sees them (runner-behavior.md §8.4): the runner's
// `[runners.feature_flags]` first, else the job's `FF_*` variable (true as Go's ParseBool reads it),
// else the flag's built-in default. One reader, so every executor resolves a flag the same way.
import { isGoTrue } from './go-bool.js';

export function featureFlagOn(
  name: string,
  variable: (key: string) => string | undefined,
  runnerFlags: Readonly<Record<string, boolean | undefined>>,
  defaultValue: boolean,
): boolean {
  const configured = runnerFlags[name];
  if (configured !== undefined) return configured;
  const value = variable(name);
  return value === undefined ? defaultValue : isGoTrue(value);
}
