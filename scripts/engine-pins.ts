// Prints what each engine's pin holds of each platform's tarball: its integrity and its
// unpacked tree (src/session/agent/engines/engine-tree.ts), from the npm registry, and
// whether the pin in its engine's folder says the same. Run it when a pin changes:
//   npx tsx scripts/engine-pins.ts [folder of tarballs already downloaded, by file name]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENGINE_PINS } from '../src/session/agent/engines/engine-registry.js';
import { pinOfTree } from '../src/session/agent/engines/engine-tree.js';

const downloaded = process.argv[2];
let differs = 0;
for (const pin of ENGINE_PINS) {
  for (const [platform, pinned] of Object.entries(pin.platforms)) {
    if (!pinned) continue;
    const work = mkdtempSync(path.join(tmpdir(), 'baton-engine-pin-'));
    try {
      const local = downloaded && path.join(downloaded, path.basename(pinned.tarball));
      const tarball =
        local && existsSync(local)
          ? readFileSync(local)
          : Buffer.from(
              await (await fetch(`https://registry.npmjs.org/${pinned.tarball}`)).arrayBuffer(),
            );
      writeFileSync(path.join(work, 'package.tgz'), tarball);
      execFileSync('tar', ['-xzf', path.join(work, 'package.tgz'), '-C', work]);
      const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
      const unpacked = await pinOfTree(path.join(work, 'package'));
      const same =
        integrity === pinned.integrity &&
        unpacked.digest === pinned.unpacked.digest &&
        unpacked.bytes === pinned.unpacked.bytes;
      if (!same) differs++;
      console.log(
        `${pin.package}@${pin.version} ${platform}: ${same ? 'as pinned' : 'NOT as pinned'}\n  integrity: '${integrity}',\n  unpacked: { digest: '${unpacked.digest}', bytes: ${unpacked.bytes} },`,
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
process.exitCode = differs > 0 ? 1 : 0;
