// Masked values never leave `glci explain`, in text or JSON: every string of the explanation goes
// through the runner's masker (a masked value can hide inside another value, a rule's expression or
// an error), and a masked variable's value read by a rule is shown as [MASKED] even where it is too
// short or too common for the phrase masker to be safe.
import type { Explanation } from '../model/explanation.js';
import { MASKED, maskText } from '../variables/index.js';

export function maskExplanation(explanation: Explanation, secrets: readonly string[], maskedNames: ReadonlySet<string>): Explanation {
  return maskValue(explanation, secrets, maskedNames) as Explanation;
}

function maskValue(value: unknown, secrets: readonly string[], maskedNames: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return value === MASKED ? value : maskText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => maskValue(v, secrets, maskedNames));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // A variable read: { name, value } inside a clause's `reads`.
  if (isRead(record) && maskedNames.has(record.name) && record.value !== null) return { name: record.name, value: MASKED };
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskValue(v, secrets, maskedNames)]));
}

function isRead(record: Record<string, unknown>): record is { name: string; value: string | null } {
  const keys = Object.keys(record);
  return keys.length === 2 && typeof record.name === 'string' && 'value' in record;
}
