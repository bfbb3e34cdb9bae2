// Every event form sends the body that docs/api.md describes. The server's answer is stubbed here
// (page.route), so this checks the front end's side of the contract without depending on demo data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTarget, launchBrowser, newPage, login, jakartaDate } from './helpers.mjs';

let target; let browser;
before(async () => { target = await startTarget(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await target?.stop(); });

const NIK_A = '3327011001700001';
const NIK_B = '3327014110730001';
const NIK_C = '3327012001080001';

/** Stubs POST `path`, submits the form and returns the JSON body sent. */
async function submitStubbed(page, path, answer) {
  let body = null;
  await page.route(`**/api/v1${path}`, async (route) => {
    body = JSON.parse(route.request().postData());
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ event_id: 99, replayed: false, ...answer }) });
  });
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.locator('.alert.success').waitFor();
  await page.unroute(`**/api/v1${path}`);
  assert.ok(body, `a request to ${path} was sent`);
  assert.match(body.idempotency_key, /^[0-9a-f-]{36}$/);
  delete body.idempotency_key;
  return body;
}

async function pickVillage(page, scope, district = '332708') {
  const root = scope ? page.getByRole('group', { name: scope }) : page;
  await root.getByLabel('Kecamatan').locator(`option[value="${district}"]`).waitFor({ state: 'attached' });
  await root.getByLabel('Kecamatan').selectOption(district);
  const village = root.getByLabel('Desa/Kelurahan');
  await village.locator(`option[value^="${district}"]`).first().waitFor({ state: 'attached' });
  const code = await village.locator(`option[value^="${district}"]`).first().getAttribute('value');
  await village.selectOption(code);
  return code;
}

async function fillAddress(page, scope) {
  const root = page.getByRole('group', { name: scope });
  await root.getByLabel('Alamat (jalan/dusun)').fill('Jl. Melati 3');
  await root.getByLabel('RT', { exact: true }).fill('4');
  await root.getByLabel('RW', { exact: true }).fill('002');
  const village = await pickVillage(page, scope);
  return { street: 'Jl. Melati 3', rt: '4', rw: '002', village_code: village };
}

test('event forms send the documented request bodies', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'operator');
  const d = jakartaDate(-10);

  await page.goto(`/#/peristiwa/kelahiran?mother_nik=${NIK_B}&father_nik=${NIK_A}`);
  await page.getByLabel('Nama anak').fill('Anak Stub');
  await page.getByLabel('Tempat lahir').fill('Pemalang');
  await page.getByLabel('Tanggal lahir').fill(d);
  await page.getByLabel('Jenis kelamin').selectOption('M');
  await page.getByLabel('Agama').selectOption('islam');
  await page.getByLabel('Golongan darah').selectOption('AB');
  await page.getByLabel('Jenis dokumen').selectOption('akta_kelahiran');
  await page.getByLabel('Nomor dokumen').fill('AK-1');
  assert.deepEqual(await submitStubbed(page, '/events/birth', { nik: '3327010101260001', kk_number: '3327010103150001' }), {
    name: 'Anak Stub', birth_place: 'Pemalang', birth_date: d, sex: 'M', mother_nik: NIK_B, father_nik: NIK_A,
    religion: 'islam', blood_type: 'AB', documents: [{ type: 'akta_kelahiran', number: 'AK-1' }],
  });

  await page.goto(`/#/peristiwa/keluarga-baru?head_nik=${NIK_A}`);
  await page.getByLabel('NIK anggota 1').fill(NIK_B);
  await page.getByLabel('Hubungan anggota 1').selectOption('istri');
  await page.getByRole('button', { name: 'Tambah anggota' }).click();
  await page.getByLabel('NIK anggota 2').fill(NIK_C);
  await page.getByLabel('Hubungan anggota 2').selectOption('anak');
  const addr = await fillAddress(page, 'Alamat keluarga baru');
  assert.deepEqual(await submitStubbed(page, '/events/new-family', { kk_number: '3327080101260001' }), {
    head_nik: NIK_A, members: [{ nik: NIK_B, relation: 'istri' }, { nik: NIK_C, relation: 'anak' }], address: addr, documents: [],
  });

  await page.goto(`/#/peristiwa/perkawinan?husband_nik=${NIK_A}`);
  await page.getByLabel('NIK istri').fill(NIK_B);
  await page.getByLabel('Tanggal perkawinan').fill(d);
  assert.deepEqual(await submitStubbed(page, '/events/marriage', {}), { husband_nik: NIK_A, wife_nik: NIK_B, date: d, documents: [] });
  await page.reload();
  await page.getByLabel('NIK istri').fill(NIK_B);
  await page.getByLabel('Tanggal perkawinan').fill(d);
  await page.getByLabel('Buat kartu keluarga baru untuk pasangan ini').check();
  const addr2 = await fillAddress(page, 'Alamat kartu keluarga baru');
  assert.deepEqual(await submitStubbed(page, '/events/marriage', { kk_number: '3327080101260002' }),
    { husband_nik: NIK_A, wife_nik: NIK_B, date: d, new_family: { address: addr2 }, documents: [] });

  await page.goto(`/#/peristiwa/perceraian?wife_nik=${NIK_B}`);
  await page.getByLabel('NIK suami').fill(NIK_A);
  await page.getByLabel('Tanggal perceraian').fill(d);
  await page.getByLabel('Nomor dokumen').fill('AC-9');
  assert.deepEqual(await submitStubbed(page, '/events/divorce', {}),
    { husband_nik: NIK_A, wife_nik: NIK_B, date: d, documents: [{ type: 'akta_perceraian', number: 'AC-9' }] });

  await page.goto(`/#/peristiwa/kematian?nik=${NIK_A}`);
  await page.getByLabel('Tanggal kematian').fill(d);
  await page.getByLabel('Tempat kematian').fill('RSUD Pemalang');
  assert.deepEqual(await submitStubbed(page, '/events/death', {}), { nik: NIK_A, date: d, place: 'RSUD Pemalang', documents: [] });

  await page.goto(`/#/peristiwa/pindah?niks=${NIK_A}`);
  await page.getByLabel('NIK yang pindah').fill(`${NIK_A}\n${NIK_B}`);
  await page.getByLabel('Tanggal pindah').fill(d);
  const to = await fillAddress(page, 'Alamat tujuan');
  assert.deepEqual(await submitStubbed(page, '/events/move', { kk_number: '3327080101260003' }),
    { niks: [NIK_A, NIK_B], date: d, to, documents: [] });

  await page.goto(`/#/peristiwa/pecah-kk?niks=${NIK_C}&head_nik=${NIK_C}`);
  await page.getByLabel('Tanggal pecah KK').fill(d);
  assert.deepEqual(await submitStubbed(page, '/events/family-split', { kk_number: '3327080101260004' }),
    { niks: [NIK_C], head_nik: NIK_C, date: d, documents: [] });
  await page.reload();
  await page.getByLabel('Tanggal pecah KK').fill(d);
  await page.getByLabel('Alamat berbeda dari KK lama').check();
  const a3 = await fillAddress(page, 'Alamat KK baru');
  assert.deepEqual(await submitStubbed(page, '/events/family-split', { kk_number: '3327080101260005' }),
    { niks: [NIK_C], head_nik: NIK_C, date: d, address: a3, documents: [] });

  await page.goto(`/#/peristiwa/pembetulan?nik=${NIK_A}`);
  await page.getByLabel('Nama baru').fill('Ahmad Santosa');
  await page.getByLabel('Pendidikan baru').selectOption('s1');
  await page.getByLabel('Alasan pembetulan').fill('Ijazah');
  assert.deepEqual(await submitStubbed(page, '/corrections', { correction_id: 7, status: 'pending' }),
    { nik: NIK_A, fields: { name: 'Ahmad Santosa', education: 's1' }, reason: 'Ijazah' });
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});

test('every input on every page has a label', async () => {
  const page = await newPage(browser, target.baseUrl);
  await login(page, 'supervisor');
  const pages = ['/#/cari', `/#/orang/${target.demoNik}`, '/#/cakupan', '/#/persetujuan', '/#/standar-pelayanan',
    ...['kelahiran', 'keluarga-baru', 'perkawinan', 'perceraian', 'kematian', 'pindah', 'pecah-kk', 'pembetulan'].map((k) => `/#/peristiwa/${k}`)];
  for (const p of pages) {
    await page.goto(p);
    await page.locator('main h2').first().waitFor();
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
      .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
    assert.deepEqual(unlabelled, [], `unlabelled controls on ${p}`);
  }
  await page.goto('/#/masuk');
  await page.context().close();
});
