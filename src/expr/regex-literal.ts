// `/pattern/flags` literals as GitLab reads them (Gitlab::UntrustedRegexp::RubySyntax): the text between
// the first and the last slash is an RE2 pattern, the trailing letters are RE2 flags (gitlab-ci-yaml.md §6.1).
import { Re2Error, compileRe2 } from './re2.js';

const LITERAL = /^\/([\s\S]*)\/([ismU]*)$/;

/** Compiles `/re/flags` to a RegExp; null when the text is not such a literal or RE2 would reject it. */
export function compileRegexLiteral(text: string): RegExp | null {
  const m = LITERAL.exec(text);
  if (!m) return null;
  try {
    return compileRe2(m[1]!, m[2]!);
  } catch (error) {
    if (error instanceof Re2Error) return null;
    throw error;
  }
}

/**
 * The regexp of an expression pattern (a `/.../` lexeme, or a string value on the right of `=~`): GitLab
 * first unescapes `\/` to `/`, then reads the literal (expression/lexeme/pattern.rb).
 */
export function compileExpressionPattern(text: string): RegExp | null {
  return compileRegexLiteral(text.replace(/\\\//g, '/'));
}
