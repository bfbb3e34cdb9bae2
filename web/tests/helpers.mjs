// Shared setup for the browser tests: the server under test (EKTP_BASE_URL, or a mock started here),
// Debian's Chromium through playwright-core, credentials and small page helpers.
import { spawn } from 'node:child_process';
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

export async function login(page, role) {
  const c = creds[role];
  await page.goto('/#/masuk');
  await page.getByLabel('Nama pengguna').fill(c.user);
  await page.getByLabel('Kata sandi').fill(c.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('button', { name: 'Keluar' }).waitFor();
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
