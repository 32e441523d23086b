// `include:remote` + `integrity: sha256-<base64>` compares the SHA-256 of the fetched bytes.
import { createHash } from 'node:crypto';

export function sha256Base64(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('base64');
}
