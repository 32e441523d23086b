// GitLab Runner compiles `*_overwrite_allowed` with Go's RE2, whose patterns often start with flags
// (`(?i)^ci-`). JavaScript (Node 20) has no inline flags, so a leading group of i/m/s becomes the
// RegExp's flags; anything else is compiled as it is.
export function goRegExp(pattern: string): RegExp {
  const flags = /^\(\?([ims]+)\)/.exec(pattern);
  if (!flags) return new RegExp(pattern);
  return new RegExp(pattern.slice(flags[0].length), [...new Set(flags[1])].join(''));
}
