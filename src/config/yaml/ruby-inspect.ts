// Ruby's `inspect` and `to_s` of loaded YAML values. GitLab quotes raw data in some messages
// (`!reference [".a", "b"] could not be found`) and stringifies typed inputs inside strings
// (an array input becomes `["a", "b"]`), so glci prints the same text Ruby would.

export interface InspectOptions {
  /** Mapping keys were symbolized (`{:a=>1}`); raw tag data keeps string keys (`{"a"=>1}`). */
  symbolKeys?: boolean;
  /** Whether `holder[key]` is a YAML float (so `1.0` prints "1.0"). */
  isFloat?: (holder: object, key: string | number) => boolean;
}

/** Ruby `to_s`: strings as they are, nil as "", arrays and hashes as `inspect`. */
export function rubyToS(value: unknown, float: boolean, options: InspectOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return float || !Number.isInteger(value) ? rubyFloat(value) : String(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return rubyInspect(value, float, options);
}

export function rubyInspect(value: unknown, float = false, options: InspectOptions = {}): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return inspectString(value);
  if (typeof value !== 'object') return rubyToS(value, float, options);
  if (Array.isArray(value)) {
    const items = value.map((item, index) => rubyInspect(item, options.isFloat?.(value, index) ?? false, options));
    return `[${items.join(', ')}]`;
  }
  if ('inspect' in value && typeof value.inspect === 'function') return String(value.inspect());
  const entries = Object.entries(value).map(([key, item]) => {
    const shownKey = options.symbolKeys ? inspectSymbol(key) : inspectString(key);
    return `${shownKey}=>${rubyInspect(item, options.isFloat?.(value, key) ?? false, options)}`;
  });
  return `{${entries.join(', ')}}`;
}

/** Ruby `Float#to_s`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function rubyFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const digits = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
    return `${digits}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const plain = String(value);
  return plain.includes('.') ? plain : `${plain}.0`;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\f': '\\f',
  '\v': '\\v',
  '\b': '\\b',
  '\x07': '\\a',
  '\x1b': '\\e',
};

function inspectString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    const escape = ESCAPES[char];
    if (escape !== undefined) out += escape;
    else if (char === '#' && /[{$@]/.test(text.charAt(i + 1))) out += '\\#';
    else if (char < ' ' || char === '\x7f') out += `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

function inspectSymbol(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*[?!]?$/.test(name) ? `:${name}` : `:${inspectString(name)}`;
}
