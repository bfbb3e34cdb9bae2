// Cetak KTP-el against a real `ektp serve` (scripts/browser-test.sh): a supervisor records a blanko
// delivery, a transfer and a spoiled blanko, sees each refusal in Indonesian, and the balance
// follows; an operator is not offered the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, login, RESULTS_DIR } from './helpers.mjs';

const real = !!process.env.EKTP_BASE_URL;
let target; let browser;
before(async () => { if (!real) return; target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

test('a supervisor keeps the blanko stock of the Dinas and of a kecamatan', { skip: !real && 'needs a real ektp serve (scripts/browser-test.sh)' }, async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'supervisor');
  await page.getByRole('link', { name: 'Cetak KTP-el' }).click();
  // The demo regency's Dinas: four deliveries of 500, 100 sent to a kecamatan, 3 spoiled, 108 printed.
  await page.getByRole('heading', { name: 'Persediaan blanko 3327' }).waitFor();
  await page.locator('.stock-on-hand', { hasText: /^1\.789 blanko/ }).waitFor();
  await page.getByRole('cell', { name: 'Dipakai cetak', exact: true }).first().waitFor();
  assert.doesNotMatch(await page.locator('main').innerText(), /\bnull\b|undefined/, 'no "null" on the page');
  // A kecamatan that prints and has no stock yet.
  await page.getByLabel('Kantor (kode wilayah)', { exact: true }).fill('332702');
  await page.getByRole('button', { name: 'Tampilkan' }).click();
  await page.getByRole('heading', { name: 'Persediaan blanko 332702' }).waitFor();
  const onHand = page.locator('.stock-on-hand');
  assert.match(await onHand.textContent(), /^0 blanko/);
  await page.getByText(/^Persediaan blanko menipis\./).waitFor();  // nothing on hand
  // Printed by the Dinas until the kecamatan starts printing itself.
  await page.getByText('KTP-el penduduk kecamatan ini dicetak oleh Dinas.').waitFor();
  await page.getByRole('button', { name: 'Mulai cetak di kecamatan ini' }).click();
  await page.getByText('Kecamatan ini mencetak KTP-el penduduknya sendiri.').waitFor();
  const receive = page.locator('form.stock-form', { has: page.getByRole('heading', { name: 'Terima blanko' }) });
  // Checked at the form, in Indonesian.
  await receive.getByLabel('Nomor pertama').fill('1500');
  await receive.getByLabel('Nomor terakhir').fill('1001');
  await receive.getByLabel('Nomor alokasi / surat pengantar').fill('ALOK-UJI-1');
  await receive.getByRole('button', { name: 'Terima blanko' }).click();
  await receive.getByText('Nomor terakhir tidak boleh sebelum nomor pertama.').waitFor();
  await receive.getByLabel('Nomor pertama').fill('1001');
  await receive.getByLabel('Nomor terakhir').fill('1500');
  await receive.getByRole('button', { name: 'Terima blanko' }).click();
  await receive.getByText('Blanko diterima. Persediaan sekarang 500.').waitFor();
  await page.locator('.stock-on-hand', { hasText: /^500 blanko/ }).waitFor();
  // No card printed yet: no pace to tell how long 500 last, and the page says so.
  await page.getByText('Belum ada pemakaian dalam 30 hari terakhir, sehingga lama persediaan belum dapat diperkirakan.').waitFor();
  // Refused by the server: the same numbers again.
  await receive.getByLabel('Nomor pertama').fill('1400');
  await receive.getByLabel('Nomor terakhir').fill('1600');
  await receive.getByLabel('Nomor alokasi / surat pengantar').fill('ALOK-UJI-2');
  await receive.getByRole('button', { name: 'Terima blanko' }).click();
  await receive.getByText(/sudah tercatat diterima sebelumnya/).waitFor();

  const transfer = page.locator('form.stock-form', { has: page.getByRole('heading', { name: 'Pindahkan blanko' }) });
  await transfer.getByLabel('Ke kantor (kode wilayah)').fill('332709');
  await transfer.getByLabel('Jumlah blanko').fill('900');
  await transfer.getByRole('button', { name: 'Pindahkan blanko' }).click();
  await transfer.getByText('Persediaan blanko kantor ini tidak cukup untuk jumlah itu.').waitFor();
  await transfer.getByLabel('Jumlah blanko').fill('20');
  await transfer.getByRole('button', { name: 'Pindahkan blanko' }).click();
  await transfer.getByText('Dipindahkan ke 332709: 1001–1020.').waitFor();

  const spoil = page.locator('form.stock-form', { has: page.getByRole('heading', { name: 'Catat blanko rusak' }) });
  await spoil.getByLabel('Nomor blanko').fill('1010');
  await spoil.getByLabel('Alasan rusak').fill('retak di kotak');
  await spoil.getByRole('button', { name: 'Catat blanko rusak' }).click();
  await spoil.getByText(/tidak ada di persediaan kantor ini/).waitFor();  // it went to 332709
  await spoil.getByLabel('Nomor blanko').fill('1021');
  await spoil.getByLabel('Alasan rusak').fill('retak di kotak');
  await spoil.getByRole('button', { name: 'Catat blanko rusak' }).click();
  await spoil.getByText('Blanko rusak dicatat.').waitFor();
  await page.locator('.stock-on-hand', { hasText: /^479 blanko/ }).waitFor();
  await page.locator('.stock-on-hand', { hasText: /^479 blanko/ }).waitFor();
  const movements = page.getByRole('table').filter({ has: page.getByText('Mutasi terakhir') });
  for (const kind of ['Diterima', 'Dipindahkan keluar', 'Rusak']) {
    assert.ok(await movements.getByRole('cell', { name: kind, exact: true }).count() >= 1, kind);
  }
  await page.getByRole('heading', { name: 'Antrean cetak' }).waitFor();
  await page.screenshot({ path: path.join(RESULTS_DIR, 'card-production.png'), fullPage: true });
  // The kecamatan's stock shows the transfer.
  await page.getByLabel('Kantor (kode wilayah)', { exact: true }).fill('332709');
  await page.getByRole('button', { name: 'Tampilkan' }).click();
  await page.locator('.stock-on-hand', { hasText: /^20 blanko/ }).waitFor();
  await page.context().close();
});

test('deliveries are announced and allocations asked for and decided; waiting residents show their date', { skip: !real && 'needs a real ektp serve (scripts/browser-test.sh)' }, async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'supervisor');
  await page.getByRole('link', { name: 'Cetak KTP-el' }).click();
  await page.getByRole('heading', { name: 'Persediaan blanko 3327' }).waitFor();
  // The demo's waiting residents: each with its estimated date (stock on hand, three printed a day).
  const queue = page.getByRole('table').filter({ has: page.getByText('Urutan cetak') });
  await queue.getByRole('columnheader', { name: 'Perkiraan selesai' }).waitFor();
  assert.ok(await queue.getByRole('cell', { name: /^\d{1,2} \w+ \d{4}/ }).count() >= 10);
  // A delivery the Dinas was told of, then cancelled.
  const deliveries = page.locator('form.stock-form', { has: page.getByRole('heading', { name: 'Kiriman yang akan datang' }) });
  const soon = new Date(Date.now() + 10 * 86400_000).toISOString().slice(0, 10);
  await deliveries.getByLabel('Perkiraan tiba').fill(soon);
  await deliveries.getByLabel('Surat alokasi / keterangan').fill('SURAT-ALOK-UJI');
  await deliveries.getByRole('button', { name: 'Umumkan kiriman' }).click();
  const listed = page.getByRole('row', { name: /SURAT-ALOK-UJI/ });
  await listed.getByRole('cell', { name: 'Dijadwalkan' }).waitFor();
  await listed.getByRole('button', { name: 'Batalkan' }).click();
  await page.getByRole('row', { name: /SURAT-ALOK-UJI/ }).getByRole('cell', { name: 'Dibatalkan' }).waitFor();
  // A kecamatan asks its Dinas for blanko; the Dinas decides.
  await page.getByLabel('Kantor (kode wilayah)', { exact: true }).fill('332705');
  await page.getByRole('button', { name: 'Tampilkan' }).click();
  await page.getByRole('heading', { name: 'Persediaan blanko 332705' }).waitFor();
  const ask = page.locator('form.stock-form', { has: page.getByRole('heading', { name: 'Ajukan alokasi blanko' }) });
  await ask.getByLabel('Jumlah yang diminta').fill('0');
  await ask.getByRole('button', { name: 'Ajukan alokasi' }).click();
  await ask.getByText('Jumlah 1 sampai 100.000.').waitFor();
  await ask.getByLabel('Jumlah yang diminta').fill('200');
  await ask.getByRole('button', { name: 'Ajukan alokasi' }).click();
  await ask.getByText('Permohonan 200 blanko dikirim ke 3327.').waitFor();
  await ask.getByRole('button', { name: 'Ajukan alokasi' }).click();
  await ask.getByText('Kantor ini masih punya permohonan alokasi yang belum diputus.').waitFor();
  await page.getByLabel('Kantor (kode wilayah)', { exact: true }).fill('3327');
  await page.getByRole('button', { name: 'Tampilkan' }).click();
  const asked = page.getByRole('row', { name: /^332705 3327 200/ });
  await asked.getByRole('button', { name: 'Dipenuhi' }).click();
  await page.getByRole('row', { name: /^332705 3327 200/ }).getByRole('cell', { name: 'Dipenuhi', exact: true }).waitFor();
  await page.screenshot({ path: path.join(RESULTS_DIR, 'card-deliveries-allocations.png'), fullPage: true });
  await page.context().close();
});

test('an operator is not offered card production', { skip: !real && 'needs a real ektp serve' }, async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  const nav = page.getByRole('navigation', { name: 'Menu utama' });
  await nav.getByRole('link', { name: 'Cari Penduduk' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Cetak KTP-el' }).count(), 0);
  await page.context().close();
});
