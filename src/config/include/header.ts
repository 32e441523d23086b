// Shape checks of a file header (GitLab's Header::Root, Header::Spec, Header::Input and
// Header::Component entries), worded `header:spec:inputs:<name> config ...` like entry errors.
import type { RawMapping } from '../raw.js';
import { isMapping } from '../yaml/mapping.js';

const INPUT_KEYS = new Set(['default', 'description', 'options', 'regex', 'type', 'rules']);
const INPUT_TYPES = new Set(['array', 'boolean', 'number', 'string']);
const COMPONENT_FIELDS = new Set(['name', 'sha', 'version', 'reference']);
const MAX_OPTIONS = 50;

export function checkHeader(header: RawMapping): string[] {
  const errors = unknownKeys('header', header, new Set(['spec']));
  const spec = header.spec;
  if (spec === undefined || spec === null) return errors;
  if (!isMapping(spec)) return [...errors, 'header:spec config should be a hash'];
  errors.push(...unknownKeys('header:spec', spec, new Set(['inputs', 'component', 'include'])));
  if (spec.component !== undefined && spec.component !== null) errors.push(...checkComponent(spec.component));
  const inputs = spec.inputs;
  if (inputs === undefined || inputs === null) return errors;
  if (!isMapping(inputs)) return [...errors, 'header:spec:inputs config should be a hash'];
  for (const [name, definition] of Object.entries(inputs)) errors.push(...checkInput(name, definition));
  return errors;
}

function checkInput(name: string, definition: unknown): string[] {
  const where = `header:spec:inputs:${name}`;
  if (definition === null || definition === undefined) return [];
  if (!isMapping(definition)) return [`${where} config should be a hash`];
  const errors = unknownKeys(where, definition, INPUT_KEYS);
  const { type, options, regex } = definition;
  if (type !== undefined && type !== null && !(typeof type === 'string' && INPUT_TYPES.has(type))) {
    errors.push(`${where} input type unknown value: ${String(type)}`);
  }
  if (options !== undefined && options !== null) {
    if (!Array.isArray(options)) errors.push(`${where} input options should be an array`);
    else if (options.length > MAX_OPTIONS) errors.push(`${where} config cannot define more than ${MAX_OPTIONS} options`);
    else if (options.some((option) => option === null)) errors.push(`${where} config options array cannot contain null values`);
  }
  if (regex !== undefined && regex !== null && typeof regex !== 'string') errors.push(`${where} input regex should be a string`);
  for (const other of ['options', 'default']) {
    if (definition.rules !== undefined && definition[other] !== undefined) {
      errors.push(`${where} config these keys cannot be used together: rules, ${other}`);
    }
  }
  return errors;
}

function checkComponent(component: unknown): string[] {
  if (!Array.isArray(component) || !component.every((field) => typeof field === 'string')) {
    return ['header:spec:component config should be an array of strings'];
  }
  const unknown = component.filter((field) => !COMPONENT_FIELDS.has(field as string));
  return unknown.length > 0 ? [`header:spec:component config contains unknown values: ${unknown.join(', ')}`] : [];
}

function unknownKeys(where: string, node: RawMapping, allowed: ReadonlySet<string>): string[] {
  const unknown = Object.keys(node).filter((key) => !allowed.has(key));
  return unknown.length > 0 ? [`${where} config contains unknown keys: ${unknown.join(', ')}`] : [];
}
