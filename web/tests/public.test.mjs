// Public pages and authentication: service standards without login, login failure, expired session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, login, creds, RESULTS_DIR } from './helpers.mjs';

let target; let browser;
before(async () => { target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

test('service standards are public and state the cost Rp 0', async () => {
  const page = await newPage(browser, target.baseUrl);
  await page.goto('/#/standar-pelayanan');
  await page.getByRole('heading', { name: 'Standar Pelayanan Administrasi Kependudukan' }).waitFor();
  assert.ok(await page.locator('dd.biaya', { hasText: 'Rp 0' }).count() >= 1, 'cost "Rp 0" is shown');
  assert.ok(await page.getByRole('heading', { name: 'Persyaratan' }).first().isVisible());
  assert.ok(await page.getByRole('heading', { name: 'Prosedur' }).first().isVisible());
  assert.ok(await page.getByRole('heading', { name: 'Pengaduan' }).isVisible());
  assert.equal(await page.getByRole('button', { name: 'Keluar' }).count(), 0, 'nobody is logged in');
  await page.screenshot({ path: path.join(RESULTS_DIR, 'standards.png'), fullPage: true });
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});

test('a wrong password shows a message and keeps the user on the login page', async () => {
  const page = await newPage(browser, target.baseUrl);
  await page.goto('/');
  await page.getByLabel('Nama pengguna').fill(creds.operator.user);
  await page.getByLabel('Kata sandi').fill('salah-sekali');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('alert').filter({ hasText: 'Nama pengguna atau kata sandi salah.' }).waitFor();
  assert.match(page.url(), /#\/masuk$/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('ektp.session')), null);
  await page.context().close();
});

test('empty login fields are refused without a request', async () => {
  const page = await newPage(browser, target.baseUrl);
  let posted = false;
  page.on('request', (r) => { if (r.url().includes('/auth/login')) posted = true; });
  await page.goto('/#/masuk');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('alert').filter({ hasText: 'wajib diisi' }).waitFor();
  assert.equal(posted, false);
  await page.context().close();
});

test('an expired token sends the user back to login with "Sesi berakhir"', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('ektp.session'));
    s.token = 'kedaluwarsa';
    sessionStorage.setItem('ektp.session', JSON.stringify(s));
  });
  await page.goto(`/#/orang/${target.demoNik}`);
  await page.getByText('Sesi berakhir, silakan masuk kembali').waitFor();
  assert.match(page.url(), /#\/masuk$/);
  // Logging in again returns to the page that was asked for.
  await page.getByLabel('Nama pengguna').fill(creds.operator.user);
  await page.getByLabel('Kata sandi').fill(creds.operator.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('heading', { name: 'Biodata' }).waitFor();
  assert.match(page.url(), new RegExp(`#/orang/${target.demoNik}$`));
  await page.context().close();
});

test('logout ends the session', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.getByText('Anda telah keluar.').waitFor();
  await page.goto('/#/cari');
  await page.getByLabel('Kata sandi').waitFor();
  await page.context().close();
});

test('a session past its expires_at is ended before any request', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('ektp.session'));
    s.expires_at = new Date(Date.now() - 1000).toISOString();
    sessionStorage.setItem('ektp.session', JSON.stringify(s));
  });
  let sent = 0;
  page.on('request', (r) => { if (r.url().includes('/api/v1/persons')) sent += 1; });
  await page.goto(`/#/orang/${target.demoNik}`);
  await page.getByText('Sesi berakhir, silakan masuk kembali').waitFor();
  assert.equal(sent, 0);
  await page.context().close();
});

test('admin adds a user who can then log in; the audit chain verifies', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'admin');
  await page.getByRole('link', { name: 'Administrasi' }).click();
  const name = `petugas${Date.now().toString(36)}`;
  await page.getByLabel('Nama pengguna baru').fill(name);
  await page.getByLabel('Kata sandi awal').fill('pendek');
  await page.getByLabel('Peran').selectOption('operator');
  await page.getByRole('button', { name: 'Tambah pengguna' }).click();
  await page.getByText('Kata sandi paling sedikit 12 karakter.').waitFor();
  await page.getByLabel('Kata sandi awal').fill('kata-sandi-panjang-1');
  await page.getByRole('button', { name: 'Tambah pengguna' }).click();
  await page.getByText(`Pengguna ${name} (Operator (petugas)) ditambahkan.`).waitFor();
  await page.getByRole('button', { name: 'Periksa rantai audit' }).click();
  await page.getByText(/Rantai audit utuh: \d+ catatan[.;]/).waitFor();
  await page.context().close();

  const op = await newPage(browser, target.baseUrl);
  await op.goto('/#/masuk');
  await op.getByLabel('Nama pengguna').fill(name);
  await op.getByLabel('Kata sandi').fill('kata-sandi-panjang-1');
  await op.getByRole('button', { name: 'Masuk' }).click();
  await op.getByRole('link', { name: 'Peristiwa' }).waitFor();
  await op.context().close();
});

test('a new adjudicator waits for a second admin: the creator cannot approve, another admin can', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'admin');
  await page.getByRole('link', { name: 'Administrasi' }).click();
  const name = `adj${Date.now().toString(36)}`;
  await page.getByLabel('Nama pengguna baru').fill(name);
  await page.getByLabel('Kata sandi awal').fill('kata-sandi-adjudikator-1');
  await page.getByLabel('Peran').selectOption('adjudicator');
  await page.getByRole('button', { name: 'Tambah pengguna' }).click();
  await page.getByText('NIK pemilik akun wajib diisi untuk adjudikator dan administrator.').waitFor();
  await page.getByLabel('NIK pemilik akun').fill('3327014107880011');
  await page.getByRole('button', { name: 'Tambah pengguna' }).click();
  await page.getByText(`Pengguna ${name} (Adjudikator) ditambahkan. Akun menunggu persetujuan administrator lain`).waitFor();
  const row = page.locator('tr', { hasText: name });
  await row.getByText('Dibuat oleh Anda').waitFor();
  assert.equal(await row.getByRole('button', { name: `Setujui ${name}` }).count(), 0);
  await page.context().close();

  const second = await newPage(browser, target.baseUrl);
  await login(second, 'admin2');
  await second.getByRole('link', { name: 'Administrasi' }).click();
  await second.getByRole('heading', { name: 'Menunggu Persetujuan' }).waitFor();
  await second.getByRole('button', { name: `Setujui ${name}` }).click();
  await second.getByText(`Akun ${name} disetujui.`).waitFor();
  await second.context().close();
});

test('keyboard: the skip link moves focus to the content without changing the route', async () => {
  const page = await newPage(browser, target.baseUrl);
  await page.goto('/#/standar-pelayanan');
  await page.getByRole('heading', { name: 'Standar Pelayanan Administrasi Kependudukan' }).waitFor();
  // From the top of the page (the body focused, as on a fresh load), Tab reaches the skip link first.
  await page.evaluate(() => {
    document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex');
  });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Langsung ke konten');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'konten');
  assert.match(page.url(), /#\/standar-pelayanan$/);
  await page.context().close();
});

test('the API documentation page shows every route of /api/v1/openapi.json, grouped and searchable', async () => {
  const spec = await (await fetch(`${target.baseUrl}/api/v1/openapi.json`)).json();
  const operations = Object.entries(spec.paths).flatMap(([p, item]) => Object.entries(item)
    .filter(([method]) => method !== 'parameters').map(([method, o]) => ({ method, path: p, ...o })));
  const page = await newPage(browser, target.baseUrl);
  await page.goto('/');
  await page.getByRole('link', { name: 'Dokumentasi API' }).click();
  await page.getByRole('heading', { name: 'Ringkasan' }).waitFor();
  await page.getByText(`${operations.length} rute`, { exact: true }).waitFor();
  assert.equal(await page.locator('details.rute').count(), operations.length);
  assert.equal(await page.locator('section.tag > h2').count(), spec.tags.length);

  // One route opened: server, authentication, roles, its path parameter and its answer's schema.
  const route = page.locator('#rute-get--persons-nik-');
  await route.locator(':scope > summary').click();
  await route.getByText('Operator, Supervisor, Admin').waitFor();
  await route.getByText('Token sesi (Authorization: Bearer …)').waitFor();
  assert.ok(await route.getByRole('cell', { name: 'jalur' }).isVisible());
  await route.getByRole('link', { name: 'Person', exact: true }).click();
  await page.locator('#skema-Person').getByText('wajib_ktp').first().waitFor();
  assert.match(page.url(), /#skema-Person$/);

  // The search keeps the routes with every word; the server filter those of a station.
  await page.getByLabel('Kata dalam jalur, metode atau ringkasan').fill('agency');
  const agency = operations.filter((o) => `${o.method} ${o.path} ${o.summary} ${o.description || ''}`.toLowerCase().includes('agency'));
  await page.getByText(`${agency.length} dari ${operations.length} rute`).waitFor();
  await page.getByLabel('Kata dalam jalur, metode atau ringkasan').fill('');
  await page.getByLabel('Server').selectOption('station');
  const station = operations.filter((o) => o['x-ektp-servers'].includes('station'));
  await page.getByText(`${station.length} dari ${operations.length} rute`).waitFor();
  assert.equal(await page.locator('details.rute:visible').count(), station.length);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'dokumentasi-api.png'), fullPage: false });
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});
