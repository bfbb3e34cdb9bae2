#!/usr/bin/env node
// Copies the browser builds the pages load from node_modules into vendor/, which the server
// serves (node_modules is never served) and the SUKET page's service worker keeps for offline
// use. Run by `npm ci` / `npm install` (postinstall); vendor/ is not committed.
//
//   vendor/jsqr/jsqr.mjs      jsQR's UMD build (dist/jsQR.js) wrapped as an ES module whose
//                             default export is the jsQR(data, width, height, options) function
//   vendor/jsqr/LICENSE.txt   its Apache-2.0 licence
//   vendor/jsqr/VERSION.txt   the package version and the SHA-256 of the file it was made from
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(web, 'package.json'));

function vendorJsqr() {
  const pkgDir = path.dirname(require.resolve('jsqr/package.json'));
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const source = fs.readFileSync(path.join(pkgDir, 'dist', 'jsQR.js'), 'utf8');
  const out = path.join(web, 'vendor', 'jsqr');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  // The UMD wrapper takes the CommonJS branch when `module` and `exports` exist.
  const wrapped = `// jsQR ${version} (Apache-2.0, https://github.com/cozmo/jsQR), dist/jsQR.js as an ES module.\n`
    + 'const module = { exports: {} };\nconst exports = module.exports;\n'
    + `${source}\nexport default module.exports;\n`;
  fs.writeFileSync(path.join(out, 'jsqr.mjs'), wrapped);
  fs.copyFileSync(path.join(pkgDir, 'LICENSE'), path.join(out, 'LICENSE.txt'));
  const sha = crypto.createHash('sha256').update(source).digest('hex');
  fs.writeFileSync(path.join(out, 'VERSION.txt'), `jsqr ${version}\ndist/jsQR.js sha256 ${sha}\n`);
  console.log(`vendor: jsqr ${version} → vendor/jsqr/jsqr.mjs`);
}

vendorJsqr();
