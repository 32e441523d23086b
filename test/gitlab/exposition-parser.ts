// A strict reader of Prometheus' text exposition format 0.0.4, written from the format's rules
// (not from glci's renderer), for the metrics tests: it throws on any line the format does not allow.
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  samples: ParsedSample[];
}

function unescape(text: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (whole, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quotes) return '"';
    throw new Error(`invalid escape ${whole}`);
  });
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,|$)/y;
  let at = 0;
  while (at < text.length) {
    pair.lastIndex = at;
    const match = pair.exec(text);
    if (!match) throw new Error(`bad labels at ${at}: ${text}`);
    const [, name = '', raw = ''] = match;
    if (name in labels) throw new Error(`label ${name} twice`);
    labels[name] = unescape(raw, true);
    at = pair.lastIndex;
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value ${text}`);
  return Number(text);
}

function parseSample(line: string): ParsedSample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
  if (!match) throw new Error(`bad sample line: ${line}`);
  return { name: match[1] ?? '', labels: parseLabels(match[2] ?? ''), value: parseValue(match[3] ?? '') };
}

/** Families in output order; each HELP must come before its TYPE, and the TYPE before its samples. */
export function parseExposition(text: string): ParsedFamily[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the output must end with a line feed');
  const families: ParsedFamily[] = [];
  let current: ParsedFamily | undefined;
  for (const line of text.split('\n').slice(0, -1)) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (help) {
      current = { name: help[1] ?? '', help: unescape(help[2] ?? '', false), type: '', samples: [] };
      families.push(current);
    } else if (type) {
      if (!current || current.name !== type[1] || current.type !== '' || current.samples.length > 0) throw new Error(`TYPE out of place: ${line}`);
      current.type = type[2] ?? '';
    } else {
      const sample = parseSample(line);
      if (!current || current.name !== sample.name || current.type === '') throw new Error(`sample outside its family: ${line}`);
      current.samples.push(sample);
    }
  }
  return families;
}
