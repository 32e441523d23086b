// GitLab's keyword expansion (ExpandVariables, spec §4.3/§7.3): `$NAME`, `${NAME}` and `%NAME%`,
// no escape sequence. `expand` turns unknown names into "" (include locations); `expandExisting`
// keeps them verbatim (rules:exists paths, the expand_vars interpolation function).

const REFERENCE = /\$([a-zA-Z_][a-zA-Z0-9_]*)|\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}|%([a-zA-Z_][a-zA-Z0-9_]*)%/g;

export type VariableLookup = Readonly<Record<string, string>>;

export function expandVariables(value: string, variables: VariableLookup): string {
  return replace(value, variables, () => '');
}

export function expandExisting(value: string, variables: VariableLookup): string {
  return replace(value, variables, (whole) => whole);
}

function replace(value: string, variables: VariableLookup, unknown: (whole: string) => string): string {
  if (!value.includes('$') && !value.includes('%')) return value;
  return value.replace(REFERENCE, (whole: string, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    return Object.prototype.hasOwnProperty.call(variables, name) ? (variables[name] ?? '') : unknown(whole);
  });
}
