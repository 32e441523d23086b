// The numeric owner for files glci puts into a container: the user the job runs as (runner `user`,
// then `image:docker:user`, then the image's USER), resolved through the image's /etc/passwd and
// /etc/group when it is a name, so a non-root image can write to its project directory.
import type { Readable } from 'node:stream';
import { readArchiveFiles } from '../../platform/archive.js';
import type { DockerClient } from './client.js';

export interface Owner {
  uid: number;
  gid: number;
}

const ROOT: Owner = { uid: 0, gid: 0 };

async function readFileFrom(client: DockerClient, containerId: string, path: string): Promise<string | null> {
  try {
    const archive: Readable = await client.getArchive(containerId, path);
    const files = await readArchiveFiles(archive, () => true);
    const first = [...files.values()][0];
    return first ? first.toString('utf8') : null;
  } catch {
    return null;
  }
}

/** Looks a name up in a passwd/group style file: the third field of the line whose first is `name`. */
function lookUp(text: string | null, name: string): { id: number; gid?: number } | null {
  for (const line of (text ?? '').split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) {
      return { id: Number(fields[2]), ...(fields[3] && /^\d+$/.test(fields[3]) ? { gid: Number(fields[3]) } : {}) };
    }
  }
  return null;
}

export async function resolveOwner(client: DockerClient, containerId: string, user: string): Promise<Owner> {
  if (user === '' || user === 'root' || user === '0') return ROOT;
  const [name = '', group] = user.split(':');
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(name)) {
    uid = Number(name);
  } else {
    const entry = lookUp(await readFileFrom(client, containerId, '/etc/passwd'), name);
    if (!entry) return ROOT;
    uid = entry.id;
    gid = entry.gid;
  }
  if (group !== undefined) {
    gid = /^\d+$/.test(group) ? Number(group) : lookUp(await readFileFrom(client, containerId, '/etc/group'), group)?.id;
  }
  return { uid, gid: gid ?? uid };
}
