// Job-log masking as the runner does it (runner-behavior.md §10.4): applied once to the output stream,
// before any reporter or trace sees it.
import {
  DEFAULT_TOKEN_PREFIXES,
  MASK,
  type MaskStage,
  type Piece,
  PhraseStage,
  TokenPrefixStage,
  UrlParamStage,
} from './mask-stages.js';

export { DEFAULT_TOKEN_PREFIXES } from './mask-stages.js';

export const MASKED = '[MASKED]';

// The runner uses at most this many token prefixes (defaults first, then the payload's).
const MAX_TOKEN_PREFIXES = 15;

export interface MaskerOptions {
  /** Extra prefixes (`features.token_mask_prefixes` of a runner payload). */
  tokenPrefixes?: string[];
  /** `FF_MASK_ALL_DEFAULT_TOKENS` (default true); false masks only `glpat-` by default. */
  maskAllDefaultTokens?: boolean;
  /** Mask sensitive URL query parameters (default true). */
  sanitizeUrls?: boolean;
}

/** A streaming masker: `push` returns what can be shown now, `flush` the held-back rest at the end. */
export interface Masker {
  push(chunk: string): string;
  flush(): string;
}

/** Masked values as the runner uses them: trimmed, non-empty, unique, longest first. */
export function maskPhrases(secrets: readonly string[]): string[] {
  const unique = new Set(secrets.map((s) => s.trim()).filter((s) => s !== ''));
  return [...unique].sort((a, b) => b.length - a.length);
}

function stagesFor(secrets: readonly string[], options: MaskerOptions): MaskStage[] {
  const stages: MaskStage[] = maskPhrases(secrets).map((phrase) => new PhraseStage(phrase));
  if (options.sanitizeUrls !== false) stages.push(new UrlParamStage());
  const defaults = options.maskAllDefaultTokens === false ? ['glpat-'] : DEFAULT_TOKEN_PREFIXES;
  const prefixes = [...new Set([...defaults, ...(options.tokenPrefixes ?? [])])]
    .filter((p) => p !== '')
    .slice(0, MAX_TOKEN_PREFIXES);
  if (prefixes.length > 0) stages.push(new TokenPrefixStage(prefixes));
  return stages;
}

function render(pieces: Piece[]): string {
  return pieces.map((p) => (p === MASK ? MASKED : p)).join('');
}

/**
 * Replaces every occurrence of each secret with `[MASKED]` (longest secret first), even when split across
 * chunks, then masks sensitive URL parameters and GitLab tokens (`glpat-[MASKED]`).
 */
export function createMasker(secrets: readonly string[], options: MaskerOptions = {}): Masker {
  const stages = stagesFor(secrets, options);
  return {
    push(chunk: string): string {
      let pieces: Piece[] = chunk === '' ? [] : [chunk];
      for (const stage of stages) pieces = stage.push(pieces);
      return render(pieces);
    },
    flush(): string {
      let pieces: Piece[] = [];
      // Each stage's held-back text still has to pass through the stages after it.
      for (const stage of stages) pieces = [...stage.push(pieces), ...stage.flush()];
      return render(pieces);
    },
  };
}

/** One-shot masking of a complete text (error messages, NDJSON records). */
export function maskText(text: string, secrets: readonly string[], options: MaskerOptions = {}): string {
  const masker = createMasker(secrets, options);
  return masker.push(text) + masker.flush();
}
