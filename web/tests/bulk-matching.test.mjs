// Pemadanan Data Instansi, against a real `ektp serve` (scripts/browser-test.sh): the admin gives
// BPJS Ketenagakerjaan an agreement with bulk matching and a key (through the admin API); on the
// public page a wrong key is refused in Indonesian; the agency signs in with its key, uploads a
// member file made from a family of the register (matches, a row without NIK, a wrong birth date,
// a row that is not a date, a stranger, a repeated row), watches the job finish, reads its summary
// (the chart of results, the match rate, the file's quality problems) and downloads the result,
// which has one line per row; a file with a column its agreement does not cover fails, said in
// Indonesian.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, login, jakartaDate, RESULTS_DIR } from './helpers.mjs';

const real = !!process.env.EKTP_BASE_URL;
let target; let browser;
before(async () => { if (!real) return; target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

const PURPOSE = 'pemadanan data peserta BPJS Ketenagakerjaan';

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
const ddmmyyyy = (iso) => iso.split('-').reverse().join('-');

test('an agency uploads its member file, watches the job, reads the summary and downloads one result per row', { skip: !real && 'needs a real ektp serve (scripts/browser-test.sh)', timeout: 180000 }, async () => {
  const admin = await newPage(browser, target.baseUrl);
  await login(admin, 'admin');
  const token = await tokenOf(admin);
  const made = await staffCall(token, 'POST', '/admin/agencies', { code: 'bpjs-tk', name: 'BPJS Ketenagakerjaan', kind: 'health_insurance' });
  assert.ok(made.status === 201 || made.body?.error?.reason === 'agency_exists', JSON.stringify(made.body));
  const agreement = await staffCall(token, 'POST', '/admin/agencies/bpjs-tk/agreements', {
    number: `910/${Date.now()}/PKS/2026`, purposes: [PURPOSE], verify_fields: ['nik', 'name', 'birth_date', 'sex'],
    retrieve_fields: ['nik'], operations: ['verify', 'retrieve', 'bulk_match'], regions: ['3327'], name_score: true,
    daily_quota: 100000, valid_from: jakartaDate(-1), valid_until: jakartaDate(365),
  });
  assert.equal(agreement.status, 201, JSON.stringify(agreement.body));
  const key = (await staffCall(token, 'POST', '/admin/agencies/bpjs-tk/keys', { label: 'halaman pemadanan' })).body.key;
  assert.match(key, /^ektp_/);

  // The agency's members: a family of the register, and rows with the faults of real files.
  const head = (await staffCall(token, 'GET', `/persons/${target.demoNik}`)).body;
  const family = (await staffCall(token, 'GET', `/families/${head.kk_number}`)).body;
  const members = family.members.filter((m) => m.alive);
  assert.ok(members.length >= 2, 'the demo family has two living members');
  const sexOf = (m) => (m.sex === 'M' ? 'L' : 'P');
  const lines = ['row_id,nik,name,birth_date,sex'];
  members.forEach((m, i) => lines.push(`A${i},${m.nik},${m.name},${ddmmyyyy(m.birth_date)},${sexOf(m)}`));
  const [first, second] = members;
  lines.push(`B1,,${first.name},${first.birth_date},${sexOf(first)}`);                      // no NIK
  lines.push(`B2,${second.nik.slice(0, 12)}9999,${second.name},1901-01-01,${sexOf(second)}`);  // an unknown NIK
  lines.push('B3,,SITI QWERTYUIOP,31-02-1990,P');                                             // not a date
  lines.push('B4,,ZZYZX QWERTYUIOP,1955-05-05,L');                                            // nobody
  lines.push(`A0,${first.nik},${first.name},${first.birth_date},${sexOf(first)}`);            // a repeated row
  const file = Buffer.from(lines.join('\r\n') + '\r\n');

  const page = await newPage(browser, target.baseUrl);
  await page.goto('/');
  await page.getByRole('link', { name: 'Pemadanan (instansi)' }).click();
  await page.getByRole('heading', { name: 'Pemadanan Data Instansi' }).waitFor();
  await page.getByLabel('Kunci API instansi').fill('ektp_0000000000000000_salah');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByText('Kunci API', { exact: false }).first().waitFor();
  await page.getByRole('alert').filter({ hasText: /Kunci API/ }).first().waitFor();
  await page.getByLabel('Kunci API instansi').fill(key);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('heading', { name: 'Unggah berkas pemadanan' }).waitFor();

  await page.getByLabel('Berkas anggota').setInputFiles({ name: 'peserta-bpjs-tk.csv', mimeType: 'text/csv', buffer: file });
  await page.getByLabel('Tujuan (sesuai PKS)').fill(PURPOSE);
  await page.getByRole('button', { name: 'Unggah dan padankan' }).click();
  await page.getByText(/Berkas diterima dan masuk antrean pemadanan/).waitFor();
  const row = page.locator('tr', { hasText: 'peserta-bpjs-tk.csv' });
  await row.getByText('Selesai', { exact: true }).waitFor({ timeout: 60000 });
  await row.getByRole('button', { name: 'Lihat ringkasan' }).click();
  const summary = page.getByRole('region', { name: /Ringkasan: peserta-bpjs-tk.csv/ });
  await summary.waitFor();
  const text = await summary.innerText();
  assert.match(text, new RegExp(`Jumlah baris\\s+${lines.length - 1}`));
  assert.match(text, /Tingkat kecocokan/);
  assert.match(text, /Hasil per baris/);
  assert.match(text, new RegExp(`Cocok semua\\s+${members.length} \\(`));
  assert.match(text, /Ditemukan lewat data demografi\s+1 \(/);
  assert.match(text, /Baris tidak sah\s+1 \(/);
  assert.match(text, /Ganda dalam berkas\s+1 \(/);
  assert.match(text, /Masalah mutu berkas/);
  assert.match(text, /Isian tidak sah di kolom Tanggal lahir/);
  assert.doesNotMatch(await page.locator('main').innerText(), /\bnull\b|undefined|NaN|\[object/);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'bulk-matching-summary.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Unduh hasil' }).click()]);
  const saved = path.join(RESULTS_DIR, 'bulk-matching-result.csv');
  await download.saveAs(saved);
  const result = fs.readFileSync(saved, 'utf8').trim().split(/\r?\n/);
  assert.equal(result.length, lines.length, 'a header and one line per row');
  assert.match(result[0], /^row_id,result,/);
  const byId = Object.fromEntries(result.slice(1).map((l) => [l.split(',')[0], l]));
  assert.match(byId.B1, new RegExp(`^B1,found_by_demographics,.*${first.nik}`));
  assert.match(result[result.length - 1], /^A0,duplicate_in_file,/);

  // A column the agreement does not cover: the job fails, and the page says why in Indonesian.
  const bad = Buffer.from(`row_id,name,mother_name\r\nC1,${first.name},SITI\r\n`);
  await page.getByLabel('Berkas anggota').setInputFiles({ name: 'kolom-lebih.csv', mimeType: 'text/csv', buffer: bad });
  await page.getByLabel('Tujuan (sesuai PKS)').fill(PURPOSE);
  await page.getByRole('button', { name: 'Unggah dan padankan' }).click();
  await page.getByText(/Berkas ditolak/).waitFor();
  const failed = page.locator('tr', { hasText: 'kolom-lebih.csv' });
  await failed.getByText('Gagal', { exact: true }).waitFor();
  assert.match(await failed.innerText(), /tidak|bukan/i);
  assert.deepEqual(page.pageErrors, []);
});
