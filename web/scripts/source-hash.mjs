// Content hash of everything the bundle is built from. The same algorithm is
// implemented in tests/web/test_bundle.py, which fails when the committed bundle
// in src/toex/api/static/ was built from other sources than those in web/.
// sha256 over, for each file in sorted order: "<path>\0<bytes>\0" (paths relative to web/, "/"-separated).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const HASHED_FILES = ['index.html', 'package.json', 'package-lock.json', 'tsconfig.json', 'vite.config.ts'];
export const HASHED_DIRS = ['src', 'public'];

function walk(dir, out) {
  let names;
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

export function sourceHash(webDir) {
  const files = [];
  for (const f of HASHED_FILES) files.push(join(webDir, f));
  for (const d of HASHED_DIRS) walk(join(webDir, d), files);
  const rel = files.map((f) => relative(webDir, f).split(sep).join('/')).sort();
  const h = createHash('sha256');
  for (const r of rel) {
    h.update(r + '\0');
    h.update(readFileSync(join(webDir, r)));
    h.update('\0');
  }
  return h.digest('hex');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(sourceHash(process.cwd()));
}
