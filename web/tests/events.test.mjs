// Civil-event forms: a birth end to end, client-side validation, server errors, idempotent retry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, login, jakartaDate, recordApi, RESULTS_DIR, uniqueWord } from './helpers.mjs';

let target; let browser;
before(async () => { target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

/** From the demo head's family card, the NIK of the member whose relation is Istri. */
async function wifeNik(page) {
  await page.goto(`/#/orang/${target.demoNik}`);
  await page.getByRole('link', { name: 'Lihat kartu keluarga' }).click();
  const members = page.getByRole('region', { name: /Anggota keluarga/ });
  await members.waitFor();
  const row = members.getByRole('row').filter({ hasText: 'Istri' }).first();
  assert.equal(await row.count(), 1, 'the demo family has a member with relation istri');
  return (await row.getByRole('cell').first().textContent()).trim();
}

test('operator registers a birth for the head\'s wife and sees the child on the family card', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  const mother = await wifeNik(page);
  await page.getByRole('link', { name: mother }).click();
  await page.getByRole('heading', { name: 'Biodata' }).waitFor();
  await page.getByRole('link', { name: 'Catat kelahiran anak' }).click();
  await page.getByRole('heading', { name: 'Formulir Kelahiran' }).waitFor();
  assert.equal(await page.getByLabel('NIK ibu').inputValue(), mother, 'the form is pre-filled with the mother');

  const childName = `Bayi Uji ${uniqueWord()}`;
  await page.getByLabel('Nama anak').fill(childName);
  await page.getByLabel('Tempat lahir').fill('Pemalang');
  await page.getByLabel('Tanggal lahir').fill(jakartaDate(-3));
  await page.getByLabel('Jenis kelamin').selectOption({ label: 'Perempuan' });
  await page.getByLabel('Nomor dokumen').fill('SKL/123/2026');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/events/birth')),
    page.getByRole('button', { name: 'Simpan' }).click(),
  ]);
  const answer = await resp.json();
  assert.equal(resp.status(), 201, JSON.stringify(answer));
  const sent = JSON.parse(resp.request().postData());
  assert.equal(sent.mother_nik, mother);
  assert.equal(sent.sex, 'F');
  assert.match(sent.idempotency_key, /^[0-9a-f-]{36}$/);
  assert.deepEqual(sent.documents, [{ type: 'surat_keterangan_lahir', number: 'SKL/123/2026' }]);

  const ok = page.locator('.alert.success');
  await ok.waitFor();
  const childNik = (await ok.locator('a.nik-baru').textContent()).trim();
  assert.match(childNik, /^\d{16}$/);
  assert.equal(childNik, answer.nik);
  assert.equal(Number(childNik.slice(6, 8)) > 40, true, 'a girl\'s NIK has day + 40');
  await page.screenshot({ path: path.join(RESULTS_DIR, 'birth.png'), fullPage: true });

  await ok.getByRole('link', { name: answer.kk_number }).click();
  const members = page.getByRole('region', { name: /Anggota keluarga/ });
  const childRow = members.getByRole('row').filter({ hasText: childNik });
  await childRow.waitFor();
  assert.match(await childRow.textContent(), new RegExp(childName));
  assert.match(await childRow.textContent(), /Anak/);
  assert.match(await childRow.textContent(), /Perempuan/);
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});

test('invalid input shows Indonesian messages and sends nothing', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  const api = recordApi(page);
  await page.goto('/#/peristiwa/kelahiran');
  await page.getByLabel('Nama anak').fill('Bayi Salah');
  await page.getByLabel('Tempat lahir').fill('Pemalang');
  await page.getByLabel('Jenis kelamin').selectOption('M');
  await page.getByLabel('NIK ibu').fill(target.demoNik.slice(0, 15));
  await page.getByLabel('Tanggal lahir').fill(jakartaDate(+5));
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.getByText('NIK ibu harus terdiri dari 16 digit angka').waitFor();
  await page.getByText('Tanggal lahir: Tanggal tidak boleh di masa depan.').waitFor();
  await page.getByText('Periksa kembali isian yang ditandai. Data belum dikirim.').waitFor();
  assert.equal(await page.getByLabel('NIK ibu').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), await page.getByLabel('Tanggal lahir').getAttribute('id'),
    'focus moves to the first invalid field');

  // Required fields.
  await page.goto('/#/peristiwa/kematian');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.getByText('NIK yang meninggal wajib diisi.').waitFor();
  await page.getByText('Tanggal kematian wajib diisi.').waitFor();
  await page.getByText('Tempat kematian wajib diisi.').waitFor();
  assert.deepEqual(api.filter((r) => r.method === 'POST'), [], 'no POST was sent');
  await page.context().close();
});

test('the server\'s error message is shown next to the form (death before birth)', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.goto(`/#/orang/${target.demoNik}`);
  await page.getByRole('link', { name: 'Catat kematian' }).click();
  assert.equal(await page.getByLabel('NIK yang meninggal').inputValue(), target.demoNik);
  await page.getByLabel('Tanggal kematian').fill('1901-01-01');
  await page.getByLabel('Tempat kematian').fill('Pemalang');
  await page.getByLabel('Nomor dokumen').fill('SK/1/1901');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/events/death')),
    page.getByRole('button', { name: 'Simpan' }).click(),
  ]);
  assert.ok(resp.status() >= 400 && resp.status() < 500, `a 4xx answer, got ${resp.status()}`);
  const { error } = await resp.json();
  assert.ok(error && error.message, 'error body has a message');
  const shown = page.locator('form .server-error');
  await shown.waitFor();
  assert.ok((await shown.textContent()).includes(error.message), `shows "${error.message}" as-is`);
  if (error.message.startsWith('date:')) {
    assert.equal(await page.getByLabel('Tanggal kematian').getAttribute('aria-invalid'), 'true', 'the named field is marked');
  }
  // The person is still alive.
  await page.goto(`/#/orang/${target.demoNik}`);
  const status = page.getByRole('region', { name: 'Biodata' }).locator('dt:text-is("Status hidup") + dd');
  assert.equal(await status.textContent(), 'Hidup');
  await page.context().close();
});

test('a retry after a network error reuses the idempotency key', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.goto(`/#/peristiwa/pembetulan?nik=${target.demoNik}`);
  await page.getByLabel('Tempat lahir baru').fill('Pemalang');
  await page.getByLabel('Alasan pembetulan').fill('Uji kirim ulang');
  const keys = [];
  let first = true;
  await page.route('**/api/v1/corrections', async (route) => {
    keys.push(JSON.parse(route.request().postData()).idempotency_key);
    if (first) { first = false; await route.abort('internetdisconnected'); } else await route.continue();
  });
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.getByText('Tidak dapat menghubungi server').waitFor();
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.locator('.alert.success').waitFor();
  assert.equal(keys.length, 2);
  assert.match(keys[0], /^[0-9a-f-]{36}$/);
  assert.equal(keys[0], keys[1], 'same key on retry');

  // The form is locked after a success; a new submission starts from a fresh form with a new key.
  assert.equal(await page.getByRole('button', { name: 'Simpan' }).isVisible(), false);
  await page.getByRole('button', { name: 'Isi formulir baru' }).click();
  await page.getByLabel('Tempat lahir baru').fill('Pemalang');
  await page.getByLabel('Alasan pembetulan').fill('Uji kirim kedua');
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/corrections') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Simpan' }).click(),
  ]);
  await page.locator('.alert.success').filter({ hasText: 'menunggu' }).waitFor();
  assert.equal(keys.length, 3);
  assert.notEqual(keys[2], keys[0]);
  await page.context().close();
});

test('the village picker cascades province → regency → district → village', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.goto(`/#/peristiwa/pindah?niks=${target.demoNik}`);
  const village = page.getByLabel('Desa/Kelurahan');
  // Pre-selected to the demo regency; choose a district, then a village.
  await page.getByLabel('Kabupaten/Kota').locator('option[value="3327"]').waitFor({ state: 'attached' });
  assert.equal(await page.getByLabel('Provinsi').inputValue(), '33');
  assert.equal(await page.getByLabel('Kabupaten/Kota').inputValue(), '3327');
  const district = page.getByLabel('Kecamatan');
  await district.locator('option[value="332708"]').waitFor({ state: 'attached' });
  await district.selectOption('332708');
  await village.locator('option[value^="332708"]').first().waitFor({ state: 'attached' });
  assert.ok(await village.locator('option').count() > 2);
  // Changing the regency clears the levels below it.
  await page.getByLabel('Provinsi').selectOption('31');
  await page.getByLabel('Kabupaten/Kota').locator('option[value^="31"]').first().waitFor({ state: 'attached' });
  assert.equal(await district.isDisabled(), true);
  assert.equal(await village.isDisabled(), true);
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.getByText('Desa/Kelurahan wajib dipilih.').waitFor();
  await page.context().close();
});
