// A small registry of counters and gauges with labels, rendered in Prometheus' text exposition
// format 0.0.4: what `glci runner run` serves on `listen_address` (metrics.ts names GitLab Runner's
// families). Output is deterministic: families sorted by name, each sample's labels sorted by name,
// samples sorted by their label values, so two scrapes of the same state are byte-identical.
import { GlciError } from '../errors.js';

export type MetricType = 'counter' | 'gauge';
export type LabelValues = Readonly<Record<string, string>>;

/** A metric or label name that Prometheus would reject, a wrong label set, or a counter going down. */
export class MetricsError extends GlciError {
  constructor(message: string) {
    super('system', 'METRICS_INVALID', message, 'this is a bug in glci: please report it');
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Sample {
  labels: string[];
  value: number;
}

/** One metric family: a name, a help text, a type and the label names every sample carries. */
class Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
  private readonly samples = new Map<string, Sample>();

  constructor(name: string, help: string, type: MetricType, labelNames: readonly string[]) {
    if (!METRIC_NAME.test(name)) throw new MetricsError(`invalid metric name ${JSON.stringify(name)}`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new MetricsError(`${name}: invalid label name ${JSON.stringify(label)}`);
    }
    if (new Set(labelNames).size !== labelNames.length) throw new MetricsError(`${name}: a label name is given twice`);
    this.name = name;
    this.help = help;
    this.type = type;
    this.labelNames = labelNames;
  }

  /** The sample of exactly these labels, created at 0 on first use. */
  sample(labels: LabelValues): Sample {
    const values = this.labelNames.map((label) => {
      const value = labels[label];
      if (value === undefined) throw new MetricsError(`${this.name}: label ${label} is missing`);
      return value;
    });
    const extra = Object.keys(labels).find((label) => !this.labelNames.includes(label));
    if (extra !== undefined) throw new MetricsError(`${this.name}: unknown label ${extra}`);
    // JSON keeps the key unambiguous whatever the values contain.
    const key = JSON.stringify(values);
    let sample = this.samples.get(key);
    if (sample === undefined) {
      sample = { labels: values, value: 0 };
      this.samples.set(key, sample);
    }
    return sample;
  }

  remove(labels: LabelValues): void {
    this.samples.delete(JSON.stringify(this.labelNames.map((label) => labels[label] ?? '')));
  }

  clear(): void {
    this.samples.clear();
  }

  /** HELP, TYPE and the sorted samples; nothing for a family without samples (as client_golang). */
  render(): string {
    if (this.samples.size === 0) return '';
    const order = this.labelNames.map((name, index) => ({ name, index })).sort((a, b) => compare(a.name, b.name));
    const rows = [...this.samples.values()].map((sample) => ({ sample, sorted: order.map(({ index }) => sample.labels[index] ?? '') }));
    rows.sort((a, b) => compareLists(a.sorted, b.sorted));
    let text = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    for (const { sorted, sample } of rows) {
      const pairs = order.map(({ name }, i) => `${name}="${escapeLabelValue(sorted[i] ?? '')}"`);
      text += `${this.name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(sample.value)}\n`;
    }
    return text;
  }
}

/** A monotonically increasing count. */
export class Counter {
  constructor(private readonly family: Family) {}

  inc(labels: LabelValues = {}, by = 1): void {
    if (!(by >= 0)) throw new MetricsError(`${this.family.name}: a counter cannot go down (by ${String(by)})`);
    this.family.sample(labels).value += by;
  }

  /** Makes the sample appear at its current value (0 when new), as `Add(0)` does in client_golang. */
  touch(labels: LabelValues = {}): void {
    this.family.sample(labels);
  }

  value(labels: LabelValues = {}): number {
    return this.family.sample(labels).value;
  }
}

/** A value that goes up and down; a sample can be removed again. */
export class Gauge {
  constructor(private readonly family: Family) {}

  set(labels: LabelValues, value: number): void {
    this.family.sample(labels).value = value;
  }

  inc(labels: LabelValues = {}, by = 1): void {
    this.family.sample(labels).value += by;
  }

  dec(labels: LabelValues = {}, by = 1): void {
    this.family.sample(labels).value -= by;
  }

  value(labels: LabelValues = {}): number {
    return this.family.sample(labels).value;
  }

  remove(labels: LabelValues): void {
    this.family.remove(labels);
  }

  /** Drops every sample (a gauge recomputed from scratch before each scrape). */
  clear(): void {
    this.family.clear();
  }
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => void> = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return new Counter(this.add(new Family(name, help, 'counter', labelNames)));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return new Gauge(this.add(new Family(name, help, 'gauge', labelNames)));
  }

  /** `collect` runs before every render: for gauges that are a snapshot of state (running jobs). */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** The whole registry in text format 0.0.4 (newline-terminated; empty when nothing has a sample). */
  render(): string {
    for (const collect of this.collectors) collect();
    return [...this.families.values()]
      .sort((a, b) => compare(a.name, b.name))
      .map((family) => family.render())
      .join('');
  }

  private add(family: Family): Family {
    if (this.families.has(family.name)) throw new MetricsError(`metric ${family.name} is registered twice`);
    this.families.set(family.name, family);
    return family;
  }
}

/** The Content-Type of `MetricsRegistry.render()`'s output. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** HELP text escaping: backslash and line feed (the format allows raw double quotes there). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label value escaping: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Go's float formatting as the format expects it: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Code-unit order, the same whatever the locale (byte order for ASCII, as Go sorts strings). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compare(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return a.length - b.length;
}
