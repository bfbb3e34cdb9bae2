// Coverage report for the demo regency.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launchBrowser, newPage, login, RESULTS_DIR } from './helpers.mjs';

const PEMALANG = ['Moga', 'Pulosari', 'Belik', 'Watukumpul', 'Bodeh', 'Bantarbolang', 'Randudongkal', 'Pemalang', 'Taman',
  'Petarukan', 'Ampelgading', 'Comal', 'Ulujami', 'Warungpring'];

let target; let browser;
before(async () => { target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

test('the coverage page lists the 14 kecamatan of Pemalang', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'supervisor');
  await page.getByRole('link', { name: 'Cakupan Perekaman' }).click();
  const section = page.getByRole('region', { name: /Kabupaten Pemalang/ });
  await section.waitFor();
  for (const col of ['Wajib KTP', 'Sudah rekam', 'Belum rekam', '% rekam', 'Sudah cetak', 'Anomali']) {
    assert.equal(await section.getByRole('columnheader', { name: col, exact: true }).count(), 1, `column ${col}`);
  }
  const names = await section.locator('tbody tr:not(.total) td:nth-child(2)').allTextContents();
  assert.equal(names.length, 14);
  assert.deepEqual([...names].sort(), [...PEMALANG].sort());
  assert.equal(await section.locator('tbody tr.total').count(), 1);
  const pct = await section.locator('tbody tr:not(.total) td:nth-child(7)').allTextContents();
  for (const v of pct) assert.match(v, /^\d+(,\d)?%$/);
  // Rows flagged as anomalies carry the highlight class and a text.
  for (const row of await section.locator('tbody tr.anomali').all()) {
    assert.notEqual((await row.locator('td:nth-child(9)').textContent()).trim(), '—');
  }
  await page.screenshot({ path: path.join(RESULTS_DIR, 'coverage.png'), fullPage: true });
  await page.context().close();
});

test('another regency can be chosen', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  await page.goto('/#/cakupan');
  await page.getByRole('region', { name: /Kabupaten Pemalang/ }).waitFor();
  const regency = page.getByLabel('Kabupaten/Kota');
  await regency.locator('option[value="3328"]').waitFor({ state: 'attached' });
  await regency.selectOption('3328');
  await page.getByRole('button', { name: 'Tampilkan' }).click();
  await page.waitForURL(/#\/cakupan\/3328$/);
  const section = page.getByRole('region', { name: /Tegal/ });
  await section.waitFor();
  assert.match(await section.getByRole('heading').textContent(), /^Kabupaten Tegal — \d+ kecamatan$/);
  await page.context().close();
});
