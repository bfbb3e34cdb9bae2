// Second-factor sign-in in a real browser against `ektp serve` (admins must have one): a
// password-only admin is held on "Akun Saya" until an authenticator is enrolled from the QR page,
// then signs in with the app's codes; wrong codes are refused in Indonesian.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, creds, enrolTotp, nextTotpCode, RESULTS_DIR } from './helpers.mjs';

let target; let browser;
before(async () => { target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

const real = !!process.env.EKTP_BASE_URL;

async function signIn(page, c) {
  await page.goto('/#/masuk');
  await page.getByLabel('Nama pengguna').fill(c.user);
  await page.getByLabel('Kata sandi').fill(c.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

test('an admin without an authenticator enrols one before anything else, then signs in with codes', { skip: !real && 'needs the real server' }, async () => {
  const c = creds.admin2;
  const page = await newPage(browser, target.baseUrl);
  await signIn(page, c);
  await page.getByRole('heading', { name: 'Akun Saya' }).waitFor();
  await page.getByText('Peran Anda wajib masuk dengan autentikator').waitFor();
  // Every other page sends the session back here.
  await page.goto('/#/admin');
  await page.getByRole('button', { name: 'Mulai pasang autentikator' }).waitFor();
  assert.match(page.url(), /#\/akun$/);
  // The password proves it is the account's owner at the phone.
  await page.getByLabel('Kata sandi').fill('bukan-kata-sandinya');
  await page.getByRole('button', { name: 'Mulai pasang autentikator' }).click();
  await page.getByText('Kata sandi salah.').waitFor();
  await page.screenshot({ path: path.join(RESULTS_DIR, 'account-enrol.png'), fullPage: true });
  await enrolTotp(page, c);
  await page.getByRole('link', { name: 'Administrasi' }).click();
  await page.getByRole('heading', { name: 'Tambah Pengguna' }).waitFor();
  await page.getByRole('link', { name: 'Akun Saya' }).click();
  await page.getByText('Autentikator terpasang').waitFor();
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.getByText('Anda telah keluar.').waitFor();

  // Next sign-in: the password, then the code.
  await signIn(page, c);
  await page.getByText('Masukkan kode 6 angka dari aplikasi autentikator Anda.').waitFor();
  await page.getByLabel('Kode autentikator').fill('12345');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByText('Kode autentikator terdiri dari 6 angka.').waitFor();
  const good = await nextTotpCode(c.user);
  const wrong = good === '000000' ? '000001' : '000000';
  await page.getByLabel('Kode autentikator').fill(wrong);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByText('Kode autentikator salah, kedaluwarsa, atau sudah dipakai.').waitFor();
  await page.getByLabel('Kode autentikator').fill(good);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('button', { name: 'Keluar' }).waitFor();
  await page.getByRole('link', { name: 'Administrasi' }).waitFor();
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});
