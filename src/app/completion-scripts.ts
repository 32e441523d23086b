// The scripts `glci completion bash|zsh|fish` prints. They hold no command or flag names: every Tab
// press asks `glci __complete`, which reads oclif's manifest and the pipeline, so the scripts never go
// stale. Each shell hands over the words its own way (see app/completion-line.ts for bash's) and
// quotes the chosen candidate itself, except bash, whose entries glci quotes.

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

function bashScript(bin: string): string {
  const fn = `_${bin.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  return `# ${bin} completion for bash: source it (source <(${bin} completion bash)) or save it as
# ~/.local/share/bash-completion/completions/${bin}
${fn}() {
  # The line up to the cursor, not COMP_WORDS: bash splits those at ':' and '=' (job names such as
  # "deploy: [aws, app1]"); ${bin} lexes the line itself and answers with quoted COMPREPLY entries.
  local line="\${COMP_LINE:0:\${COMP_POINT:-\${#COMP_LINE}}}"
  if [[ -z "\${COMP_LINE:-}" ]]; then
    line="\${COMP_WORDS[*]:0:COMP_CWORD+1}"
  fi
  local entry
  COMPREPLY=()
  while IFS= read -r entry; do
    [[ -n "$entry" ]] && COMPREPLY+=("$entry")
  done < <(command ${bin} __complete --bash -- "$line" 2>/dev/null)
  return 0
}
# -o default: where ${bin} has nothing to offer (a --cwd or --file value), bash completes file names.
complete -o default -F ${fn} ${bin}
`;
}

function zshScript(bin: string): string {
  return `#compdef ${bin}
# ${bin} completion for zsh: save it as _${bin} in a directory of $fpath (before compinit runs),
# or source it after compinit (source <(${bin} completion zsh)).
_${bin}() {
  local -a candidates
  # (Q) removes the quoting of the words as typed; compadd quotes the chosen candidate again.
  candidates=("\${(@f)$(command ${bin} __complete -- "\${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=("\${(@)candidates:#}")
  if (( \${#candidates} )); then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == "_${bin}" ]]; then
  _${bin} "$@"
else
  compdef _${bin} ${bin}
fi
`;
}

function fishScript(bin: string): string {
  const fn = `__${bin.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  return `# ${bin} completion for fish: save it as ~/.config/fish/completions/${bin}.fish
# (or: ${bin} completion fish | source)
function ${fn}
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    # The word being typed, without its quoting ("test 1 → test 1); fish quotes the candidate it inserts.
    set -l typed (string unescape -- "$current" 2>/dev/null; or string trim -l -c '"\\'' -- "$current")
    set -l candidates (command ${bin} __complete -- $words "$typed" 2>/dev/null)
    if test (count $candidates) -gt 0
        printf '%s\\n' $candidates
    else
        __fish_complete_path "$current"
    end
end
complete -c ${bin} -f -a '(${fn})'
`;
}

/** The completion script for one shell; `bin` is the command it completes (and calls back). */
export function completionScript(shell: CompletionShell, bin: string): string {
  switch (shell) {
    case 'bash':
      return bashScript(bin);
    case 'zsh':
      return zshScript(bin);
    case 'fish':
      return fishScript(bin);
  }
}
