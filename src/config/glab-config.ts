// The token of a `glab auth login` for a GitLab host, read off glab's config.yml (text → token).
// glab keeps one block per instance under `hosts:`:
//   hosts:
//     gitlab.example.com:
//       token: glpat-...
//       api_host: gitlab.example.com
//       api_protocol: https
// A host matches by its key (`host[:port]`, as in the URL) or by its `api_host`. A file that
// does not parse gives no token and no message: the parser's errors quote the text, tokens included.
// Pure; lives in config/ because only config/ imports `yaml`. (Tokens glab keeps in the system
// keyring are not in the file.)
import { parse } from 'yaml';

export function glabToken(text: string, host: string): string | null {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return null;
  }
  const hosts = isRecord(data) ? data.hosts : undefined;
  if (!isRecord(hosts)) return null;
  const wanted = host.toLowerCase();
  const entries = Object.entries(hosts).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]));
  const match =
    entries.find(([key]) => key.toLowerCase() === wanted) ??
    entries.find(([, settings]) => typeof settings.api_host === 'string' && settings.api_host.toLowerCase() === wanted);
  const token = match?.[1].token;
  return typeof token === 'string' && token.trim() !== '' ? token.trim() : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
