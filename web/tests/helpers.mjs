// Shared setup for the browser tests: the server under test (EKTP_BASE_URL, or a mock started here),
// Debian's Chromium through playwright-core, credentials and small page helpers.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.resolve(here, '../test-results');

export const creds = {
  admin: { user: process.env.EKTP_ADMIN_USER || 'admin', password: process.env.EKTP_ADMIN_PASSWORD || 'admin-rahasia' },
  admin2: { user: process.env.EKTP_ADMIN2_USER || 'admin2', password: process.env.EKTP_ADMIN2_PASSWORD || 'admin2-rahasia' },
  operator: { user: process.env.EKTP_OPERATOR_USER || 'operator', password: process.env.EKTP_OPERATOR_PASSWORD || 'operator-rahasia' },
  supervisor: { user: process.env.EKTP_SUPERVISOR_USER || 'supervisor', password: process.env.EKTP_SUPERVISOR_PASSWORD || 'supervisor-rahasia' },
};

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Starts the mock server on a free port unless EKTP_BASE_URL is set. Returns { baseUrl, demoNik, stop }. */
export async function startTarget() {
  if (process.env.EKTP_BASE_URL) {
    if (!process.env.EKTP_DEMO_NIK) throw new Error('EKTP_DEMO_NIK must be set together with EKTP_BASE_URL');
    return { baseUrl: process.env.EKTP_BASE_URL.replace(/\/$/, ''), demoNik: process.env.EKTP_DEMO_NIK, stop: async () => {} };
  }
  const child = spawn(process.execPath, [path.join(here, 'mock-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('mock server did not start in 10 s')), 10000);
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /listening on (\S+) demo_nik=(\d{16})/.exec(buf);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`mock server exited with ${code}`)); });
  });
  return {
    baseUrl: line[1],
    demoNik: process.env.EKTP_DEMO_NIK || line[2],
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }),
  };
}

export async function launchBrowser() {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  return chromium.launch({ executablePath: process.env.EKTP_CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** A fresh context (own sessionStorage) and page; console errors and failed page errors are collected. */
export async function newPage(browser, baseUrl, options = {}) {
  const context = await browser.newContext({ baseURL: baseUrl, acceptDownloads: true, locale: 'id-ID', timezoneId: 'Asia/Jakarta', ...options });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  page.pageErrors = [];
  page.on('pageerror', (e) => page.pageErrors.push(e.message));
  // The server sends CSP default-src 'self': inline scripts/handlers or foreign origins would show up here.
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) page.pageErrors.push(m.text()); });
  return page;
}

// An authenticator app, for the accounts whose second factor a test enrolled: RFC 6238 with
// node's own HMAC (independent of the server's). Secrets and the last step used live in a file,
// since each test file runs in a process of its own; a code is good once, so each sign-in takes
// a later step (at most one ahead of now, within the server's drift) or waits for one.
const TOTP_FILE = path.join(process.env.EKTP_TOTP_DIR || os.tmpdir(),
  `ektp-totp-${(process.env.EKTP_BASE_URL || 'mock').replace(/[^A-Za-z0-9]/g, '_')}.json`);
const readTotp = () => { try { return JSON.parse(fs.readFileSync(TOTP_FILE, 'utf8')); } catch { return {}; } };
const writeTotp = (all) => fs.writeFileSync(TOTP_FILE, JSON.stringify(all), { mode: 0o600 });

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let value = 0; const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch); bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

export function totpCode(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const nowStep = () => Math.floor(Date.now() / 30000);

/** The next unused code of `user`'s enrolled secret. */
export async function nextTotpCode(user) {
  const all = readTotp();
  const entry = all[user];
  if (!entry) throw new Error(`no authenticator enrolled here for ${user}`);
  let step = Math.max(nowStep(), entry.last + 1);
  while (step > nowStep() + 1) await new Promise((r) => setTimeout(r, 1000));
  entry.last = step;
  writeTotp(all);
  return totpCode(entry.secret, step);
}

/** On "Akun Saya": enrols an authenticator for the signed-in user, as a person with a phone would. */
export async function enrolTotp(page, c) {
  await page.getByLabel('Kata sandi').fill(c.password);
  await page.getByRole('button', { name: 'Mulai pasang autentikator' }).click();
  await page.getByRole('img', { name: 'Kode QR untuk aplikasi autentikator' }).waitFor();
  const secret = (await page.locator('#totp-secret').textContent()).replace(/\s/g, '');
  const step = nowStep();
  const all = readTotp();
  all[c.user] = { secret, last: step };
  writeTotp(all);
  await page.getByLabel('Kode 6 angka dari aplikasi').fill(totpCode(secret, step));
  await page.getByRole('button', { name: 'Konfirmasi' }).click();
  await page.waitForFunction(() => !location.hash.startsWith('#/akun'));
}

export async function login(page, role) {
  const c = creds[role];
  await page.goto('/#/masuk');
  await page.getByLabel('Nama pengguna').fill(c.user);
  await page.getByLabel('Kata sandi').fill(c.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  const signedIn = page.getByRole('button', { name: 'Keluar' });
  const codeField = page.getByLabel('Kode autentikator');
  await signedIn.or(codeField).first().waitFor();
  if (await codeField.isVisible()) {
    await codeField.fill(await nextTotpCode(c.user));
    await page.getByRole('button', { name: 'Masuk' }).click();
    await signedIn.waitFor();
  }
  // A role that must have a second factor and has none yet lands on "Akun Saya" to enrol one.
  if (await page.evaluate(() => location.hash.startsWith('#/akun'))) {
    await page.getByRole('button', { name: 'Mulai pasang autentikator' }).waitFor();
    await enrolTotp(page, c);
  }
}

/** Today's date in Asia/Jakarta shifted by `days`, as YYYY-MM-DD. */
export function jakartaDate(days = 0) {
  const d = new Date(Date.now() + days * 86400e3);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Collects the API requests a page sends (method + path). */
export function recordApi(page) {
  const seen = [];
  page.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/')) seen.push({ method: r.method(), path: u.pathname, body: r.postData() }); });
  return seen;
}

// A word unique to this run, letters only (names may not contain digits): the current time in
// base 26 written with A–Z.
export function uniqueWord() {
  let n = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  let word = '';
  while (n > 0) { word = String.fromCharCode(65 + (n % 26)) + word; n = Math.floor(n / 26); }
  return word.charAt(0) + word.slice(1).toLowerCase();
}
