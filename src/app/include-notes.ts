// The note glci prints for each include file read from its cache instead of the network, with the
// file's age, so a stale copy is never used silently. Pure.
import type { CacheUse } from '../platform/source-reader.js';

export function cacheNote(use: CacheUse, now: Date): string {
  const cached = `using cached ${use.what} (fetched ${describeAge(now.getTime() - use.fetchedAt.getTime())})`;
  return use.unreachable === null ? `note: ${cached}` : `note: ${use.unreachable}; ${cached}`;
}

/** `just now`, `5 minutes ago`, `3 hours ago`, `3 days ago`. */
export function describeAge(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return ago(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return ago(hours, 'hour');
  return ago(Math.floor(hours / 24), 'day');
}

function ago(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
}
