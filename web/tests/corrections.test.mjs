// Biodata correction: an operator requests, a supervisor approves, the person page shows the change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTarget, launchBrowser, newPage, login, uniqueWord } from './helpers.mjs';

let target; let browser;
before(async () => { target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

test('operator requests a correction, supervisor approves it', async () => {
  const occupation = `Wiraswasta ${uniqueWord()}`;
  const op = await newPage(browser, target.baseUrl);
  await login(op, 'operator');
  await op.goto(`/#/orang/${target.demoNik}`);
  await op.getByRole('link', { name: 'Ajukan pembetulan biodata' }).click();
  assert.equal(await op.getByLabel('NIK', { exact: true }).inputValue(), target.demoNik);
  await op.getByRole('button', { name: 'Simpan' }).click();
  await op.getByText('Isi paling sedikit satu data yang dibetulkan.').waitFor();
  await op.getByLabel('Pekerjaan baru').fill(occupation);
  await op.getByLabel('Alasan pembetulan').fill('Salah ketik saat pendataan');
  await op.getByRole('button', { name: 'Simpan' }).click();
  await op.locator('.alert.success').filter({ hasText: 'menunggu persetujuan' }).waitFor();
  assert.equal(await op.getByRole('link', { name: 'Persetujuan Pembetulan' }).count(), 0, 'operators do not approve');
  await op.context().close();

  const sv = await newPage(browser, target.baseUrl);
  await login(sv, 'supervisor');
  await sv.getByRole('link', { name: 'Persetujuan Pembetulan' }).click();
  const row = sv.getByRole('row').filter({ hasText: occupation });
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(target.demoNik));
  await row.getByRole('button', { name: 'Setujui' }).click();
  await sv.locator('.alert.success').filter({ hasText: 'disetujui' }).waitFor();
  assert.equal(await sv.getByRole('row').filter({ hasText: occupation }).count(), 0);
  await sv.goto(`/#/orang/${target.demoNik}`);
  const dd = sv.getByRole('region', { name: 'Biodata' }).locator('dt:text-is("Pekerjaan") + dd');
  assert.equal(await dd.textContent(), occupation);
  await sv.context().close();
});

test('an operator is told that approving corrections is not for their role', async () => {
  const op = await newPage(browser, target.baseUrl);
  await login(op, 'operator');
  await op.goto('/#/persetujuan');
  await op.getByText('Peran Anda tidak berwenang membuka halaman ini.').waitFor();
  await op.context().close();
});

test('a supervisor rejects a correction; the person is unchanged', async () => {
  const name = `Nama Salah ${uniqueWord()}`;
  const op = await newPage(browser, target.baseUrl);
  await login(op, 'operator');
  await op.goto(`/#/peristiwa/pembetulan?nik=${target.demoNik}`);
  await op.getByLabel('Nama baru').fill(name);
  await op.getByLabel('Alasan pembetulan').fill('Permohonan tanpa dokumen');
  await op.getByRole('button', { name: 'Simpan' }).click();
  await op.locator('.alert.success').waitFor();
  await op.context().close();

  const sv = await newPage(browser, target.baseUrl);
  await login(sv, 'supervisor');
  await sv.goto('/#/persetujuan');
  const row = sv.getByRole('row').filter({ hasText: name });
  await row.waitFor();
  await row.getByRole('textbox').fill('Tidak ada dokumen pendukung');
  await row.getByRole('button', { name: 'Tolak' }).click();
  await sv.locator('.alert.success').filter({ hasText: 'ditolak' }).waitFor();
  assert.equal(await sv.getByRole('row').filter({ hasText: name }).count(), 0);
  await sv.goto(`/#/orang/${target.demoNik}`);
  const dd = sv.getByRole('region', { name: 'Biodata' }).locator('dt:text-is("Nama") + dd');
  assert.notEqual(await dd.textContent(), name);
  await sv.context().close();
});
