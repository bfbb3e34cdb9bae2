// Siapa yang melihat data saya, against a real `ektp serve` (scripts/browser-test.sh): an officer
// opens a resident's page, BPJS Kesehatan (an agency, its agreement and key made through the
// admin API) verifies the resident, the officer makes the resident's PIN (shown once), and the
// resident signs in on the public page — a wrong PIN first, said in Indonesian — and sees the BPJS
// verification (purpose, data) and the officer who opened their page, the agreement that covers
// them, reports the officer's read, and the admin finds the report and resolves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, login, creds, jakartaDate, RESULTS_DIR } from './helpers.mjs';

const real = !!process.env.EKTP_BASE_URL;
let target; let browser;
before(async () => { if (!real) return; target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

const PURPOSE = 'verifikasi peserta JKN';

/** A call with a staff token, from node (the admin's setup of the agency). */
async function staffCall(token, method, apiPath, body) {
  const res = await fetch(`${target.baseUrl}/api/v1${apiPath}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const tokenOf = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('ektp.session')).token);

/** BPJS Kesehatan with an agreement in force for Pemalang (3327) and a key: the key. */
async function bpjsKey(adminToken) {
  const made = await staffCall(adminToken, 'POST', '/admin/agencies', { code: 'bpjs-kesehatan', name: 'BPJS Kesehatan', kind: 'health_insurance' });
  assert.ok(made.status === 201 || made.body?.error?.reason === 'agency_exists', JSON.stringify(made.body));
  const agreement = await staffCall(adminToken, 'POST', '/admin/agencies/bpjs-kesehatan/agreements', {
    number: `440/${Date.now()}/PKS/2026`, purposes: [PURPOSE], verify_fields: ['name', 'birth_date'], retrieve_fields: ['name'],
    operations: ['verify', 'retrieve'], regions: ['3327'], name_score: true, daily_quota: 1000,
    valid_from: jakartaDate(-1), valid_until: jakartaDate(365),
  });
  assert.equal(agreement.status, 201, JSON.stringify(agreement.body));
  const key = await staffCall(adminToken, 'POST', '/admin/agencies/bpjs-kesehatan/keys', { label: 'uji halaman warga' });
  assert.equal(key.status, 201, JSON.stringify(key.body));
  return key.body.key;
}

test('a resident signs in and sees the BPJS verification of their record and the officer who opened their page', { skip: !real && 'needs a real ektp serve (scripts/browser-test.sh)', timeout: 180000 }, async () => {
  // The officer opens the resident's page.
  const officer = await newPage(browser, target.baseUrl);
  await login(officer, 'operator');
  await officer.goto(`/#/orang/${target.demoNik}`);
  await officer.getByRole('heading', { name: 'Biodata' }).waitFor();
  const person = await officer.evaluate(async (nik) => {
    const s = JSON.parse(sessionStorage.getItem('ektp.session'));
    const r = await fetch(`/api/v1/persons/${nik}`, { headers: { Authorization: `Bearer ${s.token}` } });
    return r.json();
  }, target.demoNik);

  // BPJS, set up by the admin, verifies the resident.
  const admin = await newPage(browser, target.baseUrl);
  await login(admin, 'admin');
  const key = await bpjsKey(await tokenOf(admin));
  const verified = await fetch(`${target.baseUrl}/api/v1/agency/verify`, {
    method: 'POST',
    headers: { Authorization: `ApiKey ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ nik: person.nik, purpose: PURPOSE, fields: { name: person.name } }),
  });
  assert.equal(verified.status, 200, await verified.text());

  // The officer makes the resident's PIN: shown once.
  await officer.getByRole('button', { name: 'Buat PIN warga' }).click();
  const pinBox = officer.locator('.resident-pin');
  await pinBox.waitFor();
  const pin = (await pinBox.textContent()).trim();
  assert.match(pin, /^\d{8}$/);
  await officer.getByText('PIN hanya ditampilkan sekali').waitFor();
  await officer.screenshot({ path: path.join(RESULTS_DIR, 'resident-pin.png'), fullPage: true });

  // The resident, on the public page, without any account.
  const resident = await newPage(browser, target.baseUrl);
  await resident.goto('/');
  await resident.getByRole('link', { name: 'Siapa melihat data saya' }).click();
  await resident.getByRole('heading', { name: 'Siapa yang melihat data saya' }).waitFor();
  await resident.getByLabel('NIK').fill(person.nik);
  await resident.getByLabel('Tanggal lahir').fill(person.birth_date);
  await resident.getByLabel('PIN', { exact: true }).fill(pin === '00000000' ? '11111111' : '00000000');
  await resident.getByRole('button', { name: 'Masuk' }).click();
  await resident.getByText('NIK, tanggal lahir, atau PIN tidak cocok.').waitFor();
  await resident.getByLabel('PIN', { exact: true }).fill(pin);
  await resident.getByRole('button', { name: 'Masuk' }).click();
  await resident.getByRole('heading', { name: 'Siapa yang membaca data saya' }).waitFor();

  // Both reads are listed (within a minute of the read: reload until they are).
  const reads = resident.locator('section', { has: resident.getByRole('heading', { name: 'Siapa yang membaca data saya' }) });
  const bpjsRow = reads.locator('tr', { hasText: 'BPJS Kesehatan' });
  const officerRow = reads.locator('tr', { hasText: creds.operator.user }).filter({ hasText: 'Dilihat petugas' }).filter({ hasText: 'Biodata' });
  for (let tries = 0; ; tries += 1) {
    if (await bpjsRow.count() > 0 && await officerRow.count() > 0) break;
    assert.ok(tries < 60, 'the reads appear within a minute');
    await resident.waitForTimeout(1000);
    await resident.reload();
    await resident.getByRole('heading', { name: 'Siapa yang membaca data saya' }).waitFor();
    await resident.locator('table, .who-looked p').first().waitFor();
  }
  const bpjsText = await bpjsRow.first().innerText();
  assert.match(bpjsText, /Verifikasi oleh instansi/);
  assert.match(bpjsText, new RegExp(PURPOSE));
  assert.match(bpjsText, /Nama/);
  assert.match(bpjsText, /bpjs-kesehatan/);
  const officerText = await officerRow.first().innerText();
  assert.match(officerText, /Petugas, kantor Kabupaten Pemalang/);
  assert.doesNotMatch(await resident.locator('main').innerText(), /\bnull\b|undefined|\[object/);
  // The agreement that covers the resident.
  const agreements = resident.locator('section', { has: resident.getByRole('heading', { name: 'Perjanjian kerja sama yang mencakup data saya' }) });
  await agreements.locator('tr', { hasText: 'BPJS Kesehatan' }).first().waitFor();
  assert.match(await agreements.innerText(), new RegExp(PURPOSE));
  await resident.screenshot({ path: path.join(RESULTS_DIR, 'resident-reads.png'), fullPage: true });

  // The resident reports the officer's read.
  await officerRow.first().getByRole('button', { name: /Laporkan/ }).click();
  const dialog = resident.getByRole('dialog');
  await dialog.getByLabel('Catatan untuk petugas').fill('Saya tidak datang ke kantor hari ini.');
  await dialog.getByRole('button', { name: 'Kirim laporan' }).click();
  await resident.getByText(/Laporan nomor \d+ diterima/).waitFor();
  await officerRow.first().getByText('Dilaporkan').waitFor();
  assert.deepEqual(resident.pageErrors, []);

  // The admin finds it among the open reports and resolves it.
  await admin.getByRole('link', { name: 'Administrasi' }).click();
  const reports = admin.locator('section', { has: admin.getByRole('heading', { name: 'Laporan Warga' }) });
  const row = reports.locator('tr', { hasText: person.nik }).filter({ hasText: 'Saya tidak datang ke kantor hari ini.' });
  await row.first().waitFor();
  await row.first().getByRole('textbox').fill('Petugas membuka data saat melayani pembetulan biodata keluarga.');
  await row.first().getByRole('button', { name: 'Selesaikan' }).click();
  await admin.getByText(/Laporan \d+ diselesaikan\./).waitFor();

  // Leaving ends the resident's session.
  await resident.getByRole('button', { name: 'Keluar dari halaman ini' }).click();
  await resident.getByText('Anda telah keluar.').waitFor();
  await resident.getByLabel('PIN', { exact: true }).waitFor();
  assert.deepEqual(officer.pageErrors, []);
  assert.deepEqual(admin.pageErrors, []);
  for (const p of [officer, admin, resident]) await p.context().close();
});
