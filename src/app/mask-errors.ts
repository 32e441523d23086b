// Masked variables never appear in output, errors included (GitLab masks them in its error texts
// too): once the user's variables are known, errors leaving a use case are rewritten with the masker.
import type { PipelineContext } from '../model/plan.js';
import { ConfigError, GlciError } from '../errors.js';
import { maskText } from '../variables/index.js';

export function maskedValues(ctx: PipelineContext): string[] {
  return Object.values(ctx.userVariables).filter((v) => v.masked).map((v) => v.value);
}

function maskError(err: unknown, secrets: readonly string[]): unknown {
  const mask = (text: string) => maskText(text, secrets);
  if (err instanceof ConfigError) {
    return new ConfigError(err.diagnostics.map((d) => ({ ...d, message: mask(d.message) })), err.hint === undefined ? undefined : mask(err.hint));
  }
  if (err instanceof GlciError) {
    return new GlciError(err.kind, err.code, mask(err.message), err.hint === undefined ? undefined : mask(err.hint));
  }
  if (err instanceof Error) return new Error(mask(err.message));
  return err;
}

/** Runs `work`; an error it throws comes out with every masked value replaced by [MASKED]. */
export async function maskingErrors<T>(ctx: PipelineContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const secrets = maskedValues(ctx);
    throw secrets.length === 0 ? err : maskError(err, secrets);
  }
}
