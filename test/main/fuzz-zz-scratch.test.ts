import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { it } from 'vitest';
import { tempDataDir } from './helpers';
import { childImports } from './import-child';
import { storedMember, zipOf } from './hostile-files';
import { jpegBytes, pngBytes } from './image-fixtures';
const run = childImports();
it('measures', () => {
  const t = tempDataDir();
  const jpeg = jpegBytes(8, 8, [200, 0, 0]);
  for (let i = 2; i + 9 < jpeg.length; i += 2 + jpeg.readUInt16BE(i + 2)) if (jpeg[i + 1] === 0xc0) { jpeg.writeUInt16BE(5000, i + 5); jpeg.writeUInt16BE(5000, i + 7); break; }
  const png = pngBytes(4, 4, () => 9, true);
  png.writeUInt32BE(5000, 16); png.writeUInt32BE(5000, 20); png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  for (const [name, bytes] of [['jpeg.zip', jpeg], ['png.zip', png]] as const) {
    const path = join(t.dir, name);
    writeFileSync(path, zipOf([storedMember('cats/a.img'.replace('img', name.startsWith('j') ? 'jpg' : 'png'), bytes), storedMember(`dogs/b.${name.startsWith('j') ? 'jpg' : 'png'}`, bytes)]));
    const started = Date.now();
    const r = run([path, '--data-dir', t.dir]);
    console.log(name, r.status, r.peakRssMiB, 'MiB', Date.now() - started, 'ms', r.stderr.slice(0, 200));
  }
  t.remove();
});
