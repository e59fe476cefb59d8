import { gunzipSync } from 'node:zlib';

/** The regular files of a gzipped ustar archive (GitHub's source archives), path → text. */
export function tarEntries(archive: Buffer): Map<string, string> {
  const tar = gunzipSync(archive);
  const files = new Map<string, string>();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (from: number, length: number) =>
      header
        .subarray(from, from + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const body = tar.subarray(at + 512, at + 512 + size);
    if (type === '0') files.set(name, body.toString('utf8'));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
