// `lint --merged` output as YAML (this module exists so that only config/ imports the yaml package).
import { stringify } from 'yaml';
import type { MergedConfig } from '../model/config.js';

export function formatMergedYaml(merged: MergedConfig): string {
  const { jobs, ...globals } = merged;
  return stringify({ ...globals, ...jobs }, { lineWidth: 0, aliasDuplicateObjects: false });
}
