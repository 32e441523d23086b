// The values the runner reads as true in a boolean variable (CI_DEBUG_TRACE, CI_DEBUG_SERVICES, FF_*):
// Go's strconv.ParseBool, which GitLab Runner uses for them.
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export function isGoTrue(value: string): boolean {
  return GO_TRUE.has(value);
}
