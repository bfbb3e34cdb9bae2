// The public SUKET verification page (/verifikasi) in Debian's Chromium, against a small static
// server started here that serves web/ as `ektp serve` does and answers the three public trust
// URLs with the lists of docs/suket-format.md §6. A resident's SUKET is checked from pasted text,
// an uploaded picture and the (fake) camera; a bad list is refused and the good one kept; then
// the server stops and the page still opens and verifies from its service worker and storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import QRCode from 'qrcode';
import { CHROMIUM_ARGS, RESULTS_DIR } from './helpers.mjs';
import { EXAMPLE, ROOT_SEED, CLAIMS_WITH_FACE, base45Encode, issueSuket, png, sign } from './suket-fixtures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WEB_ROOT = path.resolve(here, '..');
const CHROMIUM = process.env.EKTP_CHROMIUM || '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
// 2026-03-01T03:00:00Z (10.00 WIB): inside the example's validity.
const NOW = new Date('2026-03-01T03:00:00Z');
const CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

// ---------- the lists the server answers with ----------

function signedSupersededList(issuedAt, ids) {
  const text = JSON.stringify({ issued_at: issuedAt, superseded: ids, signed_by: EXAMPLE.rootKid });
  const signature = Buffer.from(sign(ROOT_SEED, Buffer.from(text))).toString('base64url');
  return text.replace(',"signed_by"', `,"signature":"${signature}","signed_by"`);
}
const EMPTY_SUPERSEDED = signedSupersededList(EXAMPLE.issuedAt - 600, []);
// The documented list with one character of its signature changed.
const TAMPERED_SUPERSEDED = EXAMPLE.supersededJson.replace('"signature":"zAG', '"signature":"zAH');

const api = {
  '/api/v1/public/trust-root': JSON.stringify({ kid: EXAMPLE.rootKid, alg: 'EdDSA', public_key: EXAMPLE.rootPublicKey }),
  '/api/v1/public/trust-list': EXAMPLE.trustListJson,
  '/api/v1/public/superseded': EMPTY_SUPERSEDED,
};

// ---------- a static server like the C++ one (src/api/static_files.cpp) ----------

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json', '.map': 'application/json', '.wasm': 'application/wasm',
};
const HIDDEN = new Set(['tests', 'node_modules', 'test-results', 'scripts', 'package.json', 'package-lock.json']);

function staticFile(urlPath) {
  if (urlPath === '/verifikasi') return path.join(WEB_ROOT, 'verifikasi.html');
  const segments = urlPath.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.') || HIDDEN.has(segments[0])) return null;
  const file = path.join(WEB_ROOT, ...segments);
  const name = path.basename(file);
  if (name.startsWith('.') || /^readme/i.test(name) || !TYPES[path.extname(file)]) return null;
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

const requests = [];
const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://x');
  requests.push(pathname);
  const headers = { 'X-Content-Type-Options': 'nosniff' };
  if (api[pathname] !== undefined) {
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(api[pathname]);
    return;
  }
  const file = staticFile(pathname);
  if (!file) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
    res.end('not found');
    return;
  }
  const type = TYPES[path.extname(file)];
  res.writeHead(200, {
    ...headers, 'Content-Type': type, 'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600',
    ...(type.startsWith('text/html') ? { 'Content-Security-Policy': CSP } : {}),
  });
  res.end(fs.readFileSync(file));
});

// ---------- pictures ----------

/** The QR code of `text` as gray pixels (0 black, 255 white), `scale` pixels a module, centred in width × height. */
function qrPixels(text, width, height, scale) {
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = code.modules.size;
  const pixels = Buffer.alloc(width * height, 255);
  const left = Math.floor((width - size * scale) / 2); const top = Math.floor((height - size * scale) / 2);
  for (let y = 0; y < size * scale; y += 1) {
    for (let x = 0; x < size * scale; x += 1) {
      if (code.modules.get(Math.floor(y / scale), Math.floor(x / scale))) pixels[(top + y) * width + left + x] = 0;
    }
  }
  return pixels;
}

/** A one-frame Y4M video (what Chromium's fake camera plays in a loop) of the QR code of `text`. */
function qrVideo(text, file) {
  const width = 640; const height = 480;
  const luma = qrPixels(text, width, height, 5);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]));
}

/** A photo-like picture of the QR code: gray paper, a little noise, the code off centre. */
function qrPhoto(text) {
  const width = 900; const height = 700;
  const gray = qrPixels(text, width, height, 6);
  let seed = 7;
  const noise = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >> 16) % 40; };
  return png(width, height, (x, y) => {
    const v = gray[y * width + x] === 0 ? 30 + noise() : 200 + noise() - Math.floor((x + y) / 60);
    return [v, v, Math.min(255, v + 8)];
  });
}

// ---------- the browser ----------

let browser; let baseUrl; let workDir;
before(async () => {
  if (!hasChromium) return;
  assert.ok(fs.existsSync(path.join(WEB_ROOT, 'vendor/jsqr/jsqr.mjs')), 'web/vendor/jsqr is missing: run npm ci in web/');
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ektp-verifikasi-'));
  const video = path.join(workDir, 'qr.y4m');
  qrVideo(EXAMPLE.qrText, video);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
});
after(async () => {
  await browser?.close();
  if (server.listening) { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

const status = (page) => page.locator('#status-suket');
async function expectStatus(page, expected) {
  await page.locator(`#status-suket[data-status="${expected}"]`).waitFor();
  return (await status(page).textContent()).trim();
}
async function paste(page, text) {
  await page.getByLabel('Teks kode QR').fill(text);
  await page.getByRole('button', { name: 'Periksa teks' }).click();
}
async function open(page) {
  await page.goto(`${baseUrl}/verifikasi`);
  await page.locator('html[data-trust="ready"]').waitFor();
}

test('a SUKET is verified from text, a picture and the camera, and offline after one visit', { skip: !hasChromium && `needs ${CHROMIUM} (Debian's chromium package)`, timeout: 120000 }, async () => {
  const context = await browser.newContext({ locale: 'id-ID', timezoneId: 'Asia/Jakarta', viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(15000);
  await context.grantPermissions(['camera'], { origin: baseUrl });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text()); });
  await page.clock.setFixedTime(NOW);

  // First visit: the root is pinned (trust on first use) and the lists are fetched.
  await open(page);
  assert.equal(await page.title(), 'Verifikasi SUKET');
  await page.getByText(`Kunci akar ${EXAMPLE.rootKid} baru saja disematkan`).waitFor();
  await page.getByText('Daftar penerbit diperbarui 1 Maret 2026 pukul 10.00 WIB').waitFor();
  assert.match(await page.locator('#status-jaringan').textContent(), /^Daring/);

  // Pasted text: the worked example, valid, with its claims.
  await paste(page, EXAMPLE.qrText);
  assert.equal(await expectStatus(page, 'valid'), 'SUKET asli dan masih berlaku');
  const result = page.locator('#hasil');
  for (const text of ['SITI AMINAH', '3327015508900001', '15 Agustus 1990', 'Perempuan', 'JL. MERDEKA NO. 10, RT 001/RW 002, MULYOHARJO, PEMALANG',
    'ektp:3327', '1 Januari 2026 pukul 07.00 WIB', '1 Juli 2026 pukul 07.00 WIB', '16 Februari 2026']) {
    await result.getByText(text, { exact: true }).waitFor();
  }
  assert.equal(await result.locator('img').count(), 0);
  assert.equal(await page.locator('#hasil[aria-live="polite"]').count(), 1);

  // A damaged text.
  await paste(page, EXAMPLE.qrText.replace('  ', ' '));
  assert.equal(await expectStatus(page, 'malformed'), 'Kode QR bukan SUKET yang utuh');
  assert.doesNotMatch(await result.textContent(), /null|undefined/);
  await result.getByText('Rincian teknis').click();
  await result.getByText(/^base45: 346 characters leave 1 over/).waitFor();
  // Chromium's own inflate: bytes after the zlib stream, and a zlib bomb.
  const cose = Buffer.from(EXAMPLE.coseHex, 'hex');
  await paste(page, base45Encode(Buffer.concat([zlib.deflateSync(cose, { level: 9 }), Buffer.from([0, 0])])));
  await expectStatus(page, 'malformed');
  await result.getByText('Rincian teknis').click();
  await result.getByText('zlib: bytes after the stream\'s end').waitFor();
  await paste(page, base45Encode(zlib.deflateSync(Buffer.alloc(1 << 20), { level: 9 })));
  await expectStatus(page, 'malformed');
  await result.getByText('Rincian teknis').click();
  await result.getByText('zlib: inflates past 65536 bytes').waitFor();

  // An uploaded picture of another resident's SUKET, with a face photo.
  const faceText = issueSuket(CLAIMS_WITH_FACE);
  const faceQr = await QRCode.toBuffer(faceText, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 });
  await page.getByLabel('Foto atau hasil pindaian SUKET').setInputFiles({ name: 'suket.png', mimeType: 'image/png', buffer: faceQr });
  await expectStatus(page, 'valid');
  await result.getByText('DEWI LESTARI', { exact: true }).waitFor();
  const photo = result.getByRole('img', { name: 'Foto wajah DEWI LESTARI pada SUKET' });
  await photo.waitFor();
  assert.deepEqual(await photo.evaluate((img) => [img.complete, img.naturalWidth, img.naturalHeight, img.src.slice(0, 5)]), [true, 24, 32, 'blob:']);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'verifikasi-valid.png'), fullPage: true });

  // A photo-like picture of the example's QR, and a picture without any QR code.
  await page.getByLabel('Foto atau hasil pindaian SUKET').setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: Buffer.from(qrPhoto(EXAMPLE.qrText)) });
  await expectStatus(page, 'valid');
  await result.getByText('SITI AMINAH', { exact: true }).waitFor();
  const noQr = png(320, 240, (x, y) => [200 - (y >> 2), 180, 120 + (x >> 3)]);
  await page.getByLabel('Foto atau hasil pindaian SUKET').setInputFiles({ name: 'kosong.png', mimeType: 'image/png', buffer: Buffer.from(noQr) });
  assert.equal(await expectStatus(page, 'no_qr'), 'Tidak ada kode QR yang terbaca pada gambar ini');
  await page.getByLabel('Foto atau hasil pindaian SUKET').setInputFiles({ name: 'bukan.png', mimeType: 'image/png', buffer: Buffer.from('bukan gambar') });
  await expectStatus(page, 'not_image');

  // The camera (Chromium's fake camera plays a video of the example's QR code).
  await page.getByRole('button', { name: 'Pindai dengan kamera' }).click();
  await expectStatus(page, 'valid');
  await result.getByText('SITI AMINAH', { exact: true }).waitFor();
  assert.ok(await page.locator('#kamera').isHidden(), 'the camera stops once a code is read');

  // A superseded list with a bad signature is refused, with a warning; the good one is kept.
  api['/api/v1/public/superseded'] = TAMPERED_SUPERSEDED;
  await open(page);
  await page.getByText('Daftar SUKET yang diganti dari server ditolak: tanda tangannya tidak cocok dengan kunci akar. Salinan tersimpan yang sah tetap dipakai.').waitFor();
  await page.getByText(`Kunci akar ${EXAMPLE.rootKid} disematkan di peramban ini sejak 1 Maret 2026`).waitFor();
  await paste(page, EXAMPLE.qrText);
  await expectStatus(page, 'valid');

  // The documented superseded list names the example.
  api['/api/v1/public/superseded'] = EXAMPLE.supersededJson;
  await open(page);
  assert.equal(await page.locator('#peringatan li').count(), 0);
  await paste(page, EXAMPLE.qrText);
  assert.equal(await expectStatus(page, 'superseded'), 'SUKET ini sudah tidak berlaku: KTP-el pemiliknya sudah diambil');
  await result.getByText('SITI AMINAH', { exact: true }).waitFor();

  // A browser that never reached the trust URLs has nothing to check against, and says so.
  const fresh = await browser.newContext({ locale: 'id-ID', timezoneId: 'Asia/Jakarta', serviceWorkers: 'block' });
  const freshPage = await fresh.newPage();
  await freshPage.route('**/api/v1/public/**', (route) => route.abort('internetdisconnected'));
  await open(freshPage);
  await freshPage.getByText('Kunci akar belum tersimpan dan server tidak dapat dihubungi.', { exact: false }).waitFor();
  await paste(freshPage, EXAMPLE.qrText);
  await expectStatus(freshPage, 'no_trust_list');
  await fresh.close();

  // The service worker has the page and its files; the server goes away.
  assert.ok(await page.evaluate(async () => !!(await navigator.serviceWorker.ready).active));
  await open(page);  // controlled by the service worker from here on
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const seenBefore = requests.length;

  await page.reload();
  await page.locator('html[data-trust="ready"]').waitFor();
  assert.equal(await page.title(), 'Verifikasi SUKET');
  assert.match(await page.locator('#status-jaringan').textContent(), /^Luring \(offline\)/);
  await page.getByText('Daftar penerbit diperbarui 1 Maret 2026 pukul 10.00 WIB').waitFor();
  await paste(page, EXAMPLE.qrText);
  await expectStatus(page, 'superseded');
  await page.getByLabel('Foto atau hasil pindaian SUKET').setInputFiles({ name: 'suket.png', mimeType: 'image/png', buffer: faceQr });
  await expectStatus(page, 'valid');
  await result.getByRole('img', { name: 'Foto wajah DEWI LESTARI pada SUKET' }).waitFor();
  // Forged offline: the example's claims under another signature.
  const forged = EXAMPLE.qrText.slice(0, 340) + (EXAMPLE.qrText[340] === 'A' ? 'B' : 'A') + EXAMPLE.qrText.slice(341);
  await paste(page, forged);
  await page.locator('#status-suket:not([data-status="valid"])').waitFor();
  assert.match(await status(page).getAttribute('data-status'), /^(malformed|forged)$/);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'verifikasi-offline.png'), fullPage: true });
  assert.equal(requests.length, seenBefore, 'nothing reached the stopped server');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
