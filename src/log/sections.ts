// Job log section markers as GitLab Runner writes them around each stage (runner-behavior.md §10.1,
// gitlab-runner helpers/build_section.go): `section_start:<unix seconds UTC>:<name>\r ESC[0K`, no newline.
// GitLab's log viewer folds everything between a start and the matching end marker.

const CLEAR_LINE = '\x1b[0K';

/** Options GitLab reads after a section name (`[collapsed=true,hide_duration=true]`). */
export interface SectionOptions {
  collapsed?: boolean;
  hideDuration?: boolean;
}

function unixSeconds(time: Date): number {
  return Math.floor(time.getTime() / 1000);
}

function optionSuffix(options: SectionOptions | undefined): string {
  const parts: string[] = [];
  if (options?.hideDuration) parts.push('hide_duration=true');
  if (options?.collapsed) parts.push('collapsed=true');
  return parts.length > 0 ? `[${parts.join(',')}]` : '';
}

/** The exact bytes that open section `name` at `time`. */
export function sectionStart(name: string, time: Date, options?: SectionOptions): string {
  return `section_start:${unixSeconds(time)}:${name}${optionSuffix(options)}\r${CLEAR_LINE}`;
}

/** The exact bytes that close section `name` at `time`. */
export function sectionEnd(name: string, time: Date): string {
  return `section_end:${unixSeconds(time)}:${name}\r${CLEAR_LINE}`;
}
