// The text of the hook file `glci hook install` writes. It names node and glci's entry by absolute
// path: git GUIs (and IDEs) start hooks with a minimal PATH, often without nvm/volta/asdf shims, so
// `glci` or even `node` may not be found there. When either path is gone (node upgraded, glci moved),
// it falls back to a `glci` on PATH, and otherwise says how to repair or skip instead of failing oddly.
import { shellQuote, shellWord } from '../script/shell-quote.js';

export const HOOK_NAMES = ['pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** The line that marks a hook as glci's own: install overwrites and uninstall removes only such files. */
export const HOOK_MARKER = '# glci-managed hook';

export interface HookScriptSpec {
  hook: HookName;
  /** `process.execPath` of the installing glci. */
  node: string;
  /** Absolute path of glci's bin/run.js. */
  entry: string;
  /** Arguments after `glci hook run` (`--hook`, `--jobs`, `--stage`, `--cwd`...). */
  args: readonly string[];
}

export function hookScript(spec: HookScriptSpec): string {
  const args = spec.args.map(shellWord).join(' ');
  const skip = spec.hook === 'pre-push' ? 'git push --no-verify' : 'git commit --no-verify';
  return [
    '#!/bin/sh',
    `${HOOK_MARKER}: written by \`glci hook install\`; \`glci hook uninstall --hook ${spec.hook}\` removes it.`,
    '# Absolute paths: git GUIs run hooks with a minimal PATH. Arguments from git ("$@") are passed on.',
    `node=${shellQuote(spec.node)}`,
    `glci=${shellQuote(spec.entry)}`,
    `if [ -x "$node" ] && [ -f "$glci" ]; then exec "$node" "$glci" hook run ${args} "$@"; fi`,
    `if command -v glci >/dev/null 2>&1; then exec glci hook run ${args} "$@"; fi`,
    `echo "glci hook ${spec.hook}: $node or $glci is gone; run glci hook install --force again, or skip once with ${skip}" >&2`,
    'exit 1',
    '',
  ].join('\n');
}

export function isGlciHook(text: string): boolean {
  return text.split('\n', 3).some((line) => line.startsWith(HOOK_MARKER));
}

/** What a hook checks: in which project, which hook, and which jobs (shared by install and run). */
export interface HookSelection {
  cwd?: string;
  file: string;
  hook: HookName;
  jobs: readonly string[];
  stage?: string;
  withNeeds: boolean;
}
