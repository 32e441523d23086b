// The user's variables file (~/.glci/variables.yml, <project>/.glci-variables.yml): YAML parsing
// lives in config/ because it is the only place that imports the yaml package.
import { parse } from 'yaml';
import { UsageError } from '../errors.js';

export interface UserVariable {
  value: string;
  masked?: boolean;
  file?: boolean;
}

export type UserVariables = Record<string, UserVariable>;

export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A variables file maps names to a value or to `{value, masked, file}`:
 *   TOKEN: {value: s3cr3t-value, masked: true}
 *   KUBECONFIG: {value: "...", file: true}
 */
export function parseVariablesFile(text: string, path: string): UserVariables {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid YAML: ${(err as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`${path}: expected a mapping of variable names to values`);
  const out: UserVariables = {};
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    if (!VARIABLE_NAME.test(key)) throw new UsageError(`${path}: invalid variable name "${key}"`);
    out[key] = toUserVariable(raw, `${path}: ${key}`);
  }
  return out;
}

function toUserVariable(raw: unknown, where: string): UserVariable {
  if (raw === null || typeof raw !== 'object') return { value: raw === null ? '' : String(raw) };
  if (Array.isArray(raw)) throw new UsageError(`${where}: expected a value or {value, masked, file}`);
  const { value, masked, file } = raw as Record<string, unknown>;
  return { value: value === undefined || value === null ? '' : String(value), masked: masked === true, file: file === true };
}

