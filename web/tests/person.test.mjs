// Operator reads: search by NIK and by name, person page, family card, PDF download, phone layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, login, RESULTS_DIR } from './helpers.mjs';

let target; let browser;
before(async () => { target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

test('operator searches the demo NIK, opens the person and the family card', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.getByLabel('NIK', { exact: true }).fill(target.demoNik);
  await page.getByRole('button', { name: 'Cari NIK' }).click();
  const results = page.getByRole('region', { name: 'Hasil pencarian' });
  await results.getByRole('link', { name: target.demoNik }).click();

  await page.getByRole('heading', { name: 'Biodata' }).waitFor();
  const bio = page.getByRole('region', { name: 'Biodata' });
  const dd = (label) => bio.locator(`dt:text-is("${label}") + dd`);
  assert.equal(await dd('NIK').textContent(), target.demoNik);
  const name = (await dd('Nama').textContent()).trim();
  assert.ok(name.length > 0);
  assert.match(await dd('Hubungan dalam keluarga').textContent(), /Kepala Keluarga/);
  assert.match(await dd('Status perkawinan').textContent(), /^(Belum Kawin|Kawin|Cerai Hidup|Cerai Mati)$/);
  assert.match(await dd('Kecamatan').textContent(), /\S+ \(\d{6}\)/, 'district shown by name and code');
  assert.match(await dd('Desa/Kelurahan').textContent(), /\S+ \(\d{10}\)/, 'village shown by name and code');
  const ktp = page.getByRole('region', { name: 'Status KTP-el' });
  assert.match(await ktp.locator('dt:text-is("Wajib KTP") + dd').textContent(), /^Ya — .+/, 'an adult must hold a KTP, with the reason');
  assert.match(await ktp.textContent(), /(Sudah|Belum) rekam/);
  assert.match(await ktp.textContent(), /(Sudah|Belum) cetak/);
  await page.locator('#riwayat table, #riwayat p:not(.muted)').first().waitFor();
  await page.screenshot({ path: path.join(RESULTS_DIR, 'person.png'), fullPage: true });

  const kk = (await dd('Nomor KK').textContent()).trim();
  assert.match(kk, /^\d{16}$/);
  await page.getByRole('link', { name: 'Lihat kartu keluarga' }).click();
  await page.getByRole('heading', { name: `Kartu Keluarga ${kk}` }).waitFor();
  const members = page.getByRole('region', { name: /Anggota keluarga/ });
  const headRow = members.getByRole('row').filter({ hasText: target.demoNik });
  assert.match(await headRow.textContent(), /Kepala Keluarga/);
  assert.match(await headRow.textContent(), new RegExp(name));
  for (const col of ['NIK', 'Nama', 'Hubungan', 'Jenis kelamin', 'Tanggal lahir']) {
    assert.equal(await members.getByRole('columnheader', { name: col, exact: true }).count(), 1, `column ${col}`);
  }
  await page.screenshot({ path: path.join(RESULTS_DIR, 'family.png'), fullPage: true });
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});

test('search by name and birth date finds the person', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.goto(`/#/orang/${target.demoNik}`);
  const bio = page.getByRole('region', { name: 'Biodata' });
  await bio.waitFor();
  const name = (await bio.locator('dt:text-is("Nama") + dd').textContent()).trim();
  const p = await page.evaluate(async (nik) => {
    const s = JSON.parse(sessionStorage.getItem('ektp.session'));
    const r = await fetch(`/api/v1/persons/${nik}`, { headers: { Authorization: `Bearer ${s.token}` } });
    return r.json();
  }, target.demoNik);
  await page.goto('/#/cari');
  await page.getByLabel('Nama', { exact: true }).fill(name);
  await page.getByLabel('Tanggal lahir').fill(p.birth_date);
  await page.getByRole('button', { name: 'Cari Nama' }).click();
  await page.getByRole('region', { name: 'Hasil pencarian' }).getByRole('link', { name: target.demoNik }).waitFor();
  await page.context().close();
});

test('the biodata PDF link answers application/pdf and downloads a file', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.goto(`/#/orang/${target.demoNik}`);
  const [response, download] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/persons/${target.demoNik}/biodata.pdf`)),
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Unduh biodata (PDF)' }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /^application\/pdf/);
  assert.equal(download.suggestedFilename(), `biodata-${target.demoNik}.pdf`);
  const file = await download.path();
  const fs = await import('node:fs');
  assert.equal(fs.readFileSync(file).subarray(0, 5).toString('latin1'), '%PDF-');

  await page.getByRole('link', { name: 'Lihat kartu keluarga' }).click();
  const [kkResponse] = await Promise.all([
    page.waitForResponse((r) => /\/api\/v1\/families\/\d{16}\/kk\.pdf$/.test(r.url())),
    page.getByRole('link', { name: 'Unduh kartu keluarga (PDF)' }).click(),
  ]);
  assert.match(kkResponse.headers()['content-type'], /^application\/pdf/);
  await page.context().close();
});

test('the person page fits a narrow phone screen', async () => {
  const page = await newPage(browser, target.baseUrl, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await login(page, 'operator');
  await page.goto(`/#/orang/${target.demoNik}`);
  await page.getByRole('heading', { name: 'Biodata' }).waitFor();
  await page.locator('#riwayat table, #riwayat p:not(.muted)').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no horizontal page scroll (overflow ${overflow}px)`);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'person-phone.png'), fullPage: true });
  await page.context().close();
});

test('an unknown NIK finds nothing and its page says so', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  const unknown = '3327010101019999';
  await page.getByLabel('NIK', { exact: true }).fill(unknown);
  await page.getByRole('button', { name: 'Cari NIK' }).click();
  await page.getByText('Tidak ada penduduk yang cocok.').waitFor();
  await page.getByLabel('NIK', { exact: true }).fill('33270101010199');
  await page.getByRole('button', { name: 'Cari NIK' }).click();
  await page.getByText('NIK harus terdiri dari 16 digit angka').waitFor();
  await page.goto(`/#/orang/${unknown}`);
  await page.getByText('Data tidak ditemukan').waitFor();
  await page.context().close();
});
