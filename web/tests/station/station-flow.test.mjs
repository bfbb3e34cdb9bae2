// The station flow in a real browser against real processes (scripts/station-browser-test.sh sets
// it up): an admin registers a station in the central UI, it is provisioned, central goes down,
// the operator enrolls two residents offline in the station UI (real face photos, real FVC
// fingerprints), the station is killed and restarted, central comes back, and both reach
// "siap cetak" on the central person page. A third resident with the first one's fingers is
// stopped at the same desk, enrolled at a second station, lands in adjudication, is decided there
// by two adjudicators, and the timeline then says "duplikat".
// Then the first resident's card: with no blanko on hand they see "no date yet" on the public
// status page; the desk issues a SUKET, whose page, photographed as a phone would, is verified on
// /verifikasi with central stopped; 500 blanko arrive and a date appears; the card is printed (its
// face saved to web/test-results/card-journey-face.png) and handed over after a 1:1 check of
// another impression of an enrolled FVC finger; the SUKET then reads superseded.
// Without EKTP_STATION_TMP (a plain `node --test web/tests/`) the test is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { RESULTS_DIR, CHROMIUM_ARGS } from '../helpers.mjs';
import { Server, ektp, sqlite, ROOT, TEST_DATA, TMP } from './processes.mjs';

const enabled = !!TMP;
if (!enabled) {
  test('station flow in a browser (run scripts/station-browser-test.sh BUILD_DIR)', { skip: 'EKTP_STATION_TMP not set' }, () => {});
} else {
  flow();
}

function flow() {
  const env = process.env;
  const users = {
    admin: [env.EKTP_ADMIN_USER, env.EKTP_ADMIN_PASSWORD],
    operator: [env.EKTP_OPERATOR_USER, env.EKTP_OPERATOR_PASSWORD],
    supervisor: [env.EKTP_SUPERVISOR_USER, env.EKTP_SUPERVISOR_PASSWORD],
    adj1: [env.EKTP_ADJ1_USER, env.EKTP_ADJ1_PASSWORD],
    adj2: [env.EKTP_ADJ2_USER, env.EKTP_ADJ2_PASSWORD],
  };
  // Stations keep their own passwords: the operator activates each station with a code from central.
  const stationOperator = [env.EKTP_OPERATOR_USER, 'kata-sandi-stasiun-uji-1'];
  const centralDb = path.join(TMP, 'central.db');
  const face = (f) => path.join(TEST_DATA, 'faces', f);
  const fingerFile = (set, position) => path.join(TEST_DATA, 'fingerprints', set, `${100 + position}_1.tif`);
  const shot = (page, name) => page.screenshot({ path: path.join(RESULTS_DIR, `station-${name}.png`), fullPage: true });
  const OVERRIDE = 'Tanpa latar polos (layanan keliling)';

  const central = new Server('central', ['serve', '--db', `sqlite:${centralDb}`, '--demo', '3327', '--demo-size', '3000',
    '--require-totp-for', 'none']);
  const station1 = new Server('station1', ['station', '--db', `sqlite:${path.join(TMP, 'station1.db')}`, '--pull-every', '1']);
  const station2 = new Server('station2', ['station', '--db', `sqlite:${path.join(TMP, 'station2.db')}`, '--pull-every', '1']);
  let browser;
  const pages = {};
  let district; let adult1; let adult2; let adult3; let deceased; let child;
  const receipts = {};  // NIK → the receipt number the station showed at the last enrollment
  let caseId;
  let failed = false;

  // Each step runs only if the earlier ones passed (they build on each other).
  const step = (name, fn) => test(name, async (t) => {
    if (failed) { t.skip('an earlier step failed'); return; }
    failed = true;
    try {
      await fn(t);
    } catch (e) {
      for (const [who, page] of Object.entries(pages)) {
        await page.screenshot({ path: path.join(RESULTS_DIR, `station-failure-${who}.png`), fullPage: true }).catch(() => {});
      }
      throw e;
    }
    failed = false;
  });

  async function open(name, baseURL, options = {}) {
    const context = await browser.newContext({ baseURL, locale: 'id-ID', timezoneId: 'Asia/Jakarta',
      viewport: { width: 1280, height: 900 }, ...options });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    page.pageErrors = [];
    page.on('pageerror', (e) => page.pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) page.pageErrors.push(m.text()); });
    pages[name] = page;
    return page;
  }

  async function login(page, [user, password]) {
    await page.goto('/#/masuk');
    await page.getByLabel('Nama pengguna', { exact: true }).fill(user);
    await page.getByLabel('Kata sandi', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await page.getByRole('button', { name: 'Keluar' }).waitFor();
  }

  /** Registers a station in the central admin UI and returns its one-time token. */
  // The provisioning code goes to the station in a file only its owner may read, never in argv.
  function codeFile(id, code) {
    const file = path.join(TMP, `${id}.code`);
    fs.writeFileSync(file, `${code}\n`, { mode: 0o600 });
    return file;
  }

  async function registerStation(page, id, name) {
    await page.goto('/#/stasiun');
    await page.getByLabel('Kode stasiun').fill(id);
    await page.getByLabel('Nama stasiun').fill(name);
    const kecamatan = page.getByLabel('Kecamatan', { exact: true });
    await page.locator(`#${await kecamatan.getAttribute('id')} option[value="${district}"]`).waitFor({ state: 'attached' });
    await kecamatan.selectOption(district);
    await page.getByLabel('Operator (nama pengguna)').fill(users.operator[0]);
    await page.getByRole('button', { name: 'Daftarkan stasiun' }).click();
    const token = (await page.locator('.provisioning-token').textContent()).trim();
    assert.match(token, /^\S{16,}$/, 'the provisioning token is shown once');
    return token;
  }

  async function findResident(page, nik) {
    await page.goto('/#/perekaman');
    await page.getByLabel('NIK penduduk').fill(nik);
    await page.getByRole('button', { name: 'Cari penduduk' }).click();
  }

  /** The whole enrollment in the station UI; returns the enrollment id, or null when `expectError` is met. */
  async function assertLabelled(page, where) {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
      .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
    assert.deepEqual(unlabelled, [], `unlabelled controls on ${where}`);
  }

  async function enroll(page, { nik, photo, set, missing, correction, camera, expectError, screenshot, loseFirstAnswer }) {
    await findResident(page, nik);
    await page.getByRole('heading', { name: /^2\. Biodata/ }).waitFor();
    await page.locator('caption', { hasText: /^Kartu Keluarga \d{16}$/ }).waitFor();
    const family = page.getByRole('region', { name: /^2\. Biodata/ }).getByRole('table');
    assert.ok(await family.getByRole('row').filter({ hasText: nik }).count() === 1, 'the resident is on the family card shown');
    await page.getByLabel('Biodata sudah dicocokkan dengan Kartu Keluarga').check();
    if (correction) {
      await page.getByLabel('Ada biodata yang perlu diperbaiki').check();
      await page.getByLabel('Pekerjaan').fill(correction);
    }
    if (camera) {
      // The browser camera (Chromium's fake device): getUserMedia → canvas → JPEG → photo check.
      await page.getByRole('button', { name: 'Nyalakan kamera' }).click();
      await page.getByRole('button', { name: 'Ambil foto' }).click();
      await page.locator('caption', { hasText: 'Hasil pemeriksaan foto' }).waitFor();
      const rows = page.locator('.photo-result tbody tr');
      assert.equal(await rows.count(), 11, 'every photo rule is listed for the camera picture');
    }
    await page.getByLabel('Berkas foto wajah').setInputFiles(face(photo));
    await page.locator('caption', { hasText: 'Hasil pemeriksaan foto' }).waitFor();
    await page.locator('.photo-result .rule-fail').first().waitFor();
    const background = page.locator('.photo-result tbody tr', { hasText: 'Latar belakang polos' });
    assert.match(await background.textContent(), /Gagal.*Latar belakang tidak polos/, 'the failed rule with its Indonesian message');
    assert.equal(await page.locator('.photo-result tbody tr').count(), 11);
    await page.getByLabel('Alasan pengecualian aturan foto').fill(OVERRIDE);

    const canvas = page.locator('canvas.signature');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + 30, box.y + box.height * 0.6);
    await page.mouse.down();
    for (let i = 1; i <= 24; i += 1) {
      await page.mouse.move(box.x + 30 + i * 14, box.y + box.height * (0.6 - 0.3 * Math.sin(i / 3)), { steps: 2 });
    }
    await page.mouse.up();
    await page.getByText('Tanda tangan sudah dibubuhkan.').waitFor();

    for (let position = 1; position <= 10; position += 1) {
      if (missing && missing.position === position) {
        await page.getByLabel(`jari ${position} tidak dapat direkam`).check();
        await page.getByLabel(`Alasan jari ${position} tidak direkam`).selectOption(missing.reason);
        await page.getByLabel(`Keterangan jari ${position} (opsional)`).fill(missing.note);
      } else {
        await page.getByLabel(new RegExp(`^Gambar sidik jari ${position}\\. `)).setInputFiles(fingerFile(set, position));
      }
    }
    for (let position = 1; position <= 10; position += 1) {
      if (missing && missing.position === position) continue;
      await page.locator(`.finger-status[data-position="${position}"]`, { hasText: /Kualitas [1-5] \(/ }).waitFor();
    }
    for (const eye of ['kanan', 'kiri']) {
      await page.getByLabel(`iris mata ${eye} tidak dapat direkam`).check();
      await page.getByLabel(`Alasan iris mata ${eye} tidak direkam`).selectOption('alat_tidak_tersedia');
    }
    await page.getByRole('button', { name: 'Tinjau data perekaman' }).click();
    const review = page.locator('dl.review');
    await review.waitFor();
    const reviewText = await review.textContent();
    assert.ok(reviewText.includes('Pengecualian (') && reviewText.includes(OVERRIDE), 'the review names the override');
    if (screenshot) await shot(page, `${screenshot}-review`);
    await assertLabelled(page, 'the enrollment page');
    const sentIds = [];
    if (loseFirstAnswer) {
      // The first save reaches the station and is stored, but its answer is lost on the way back.
      await page.route('**/api/v1/station/enrollments', async (route) => {
        sentIds.push(JSON.parse(route.request().postData()).enrollment_id);
        if (sentIds.length === 1) { await route.fetch(); await route.abort('connectionreset'); } else await route.continue();
      });
      await page.getByRole('button', { name: 'Simpan perekaman' }).click();
      await page.getByText(/Tekan Simpan perekaman lagi; perekaman [0-9a-f-]{36} tidak akan tersimpan dua kali/).waitFor();
    }
    await page.getByRole('button', { name: 'Simpan perekaman' }).click();
    if (expectError) {
      const error = page.locator('.form-status .server-error');
      await error.waitFor();
      assert.match(await error.textContent(), expectError);
      if (screenshot) await shot(page, screenshot);
      return null;
    }
    const saved = page.locator('.alert.saved');
    await saved.waitFor({ timeout: 30_000 });
    assert.match(await saved.textContent(), /Tersimpan — direkam/);
    const id = (await saved.locator('code.enrollment-id').textContent()).trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const receipt = saved.locator('.receipt-number');
    if (await receipt.count()) {
      receipts[nik] = (await receipt.textContent()).trim();
      assert.match(receipts[nik], /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/);
    }
    if (loseFirstAnswer) {
      await page.unroute('**/api/v1/station/enrollments');
      assert.deepEqual(sentIds, [id, id], 'the retry sends the same enrollment id');
      assert.match(await saved.textContent(), /sudah tersimpan pada percobaan sebelumnya; tidak disimpan dua kali/);
    } else {
      assert.match(await saved.textContent(), /Modalitas.*Sidik jari.*Wajah/);
    }
    if (screenshot) await shot(page, screenshot);
    return id;
  }

  /** Reloads the central person page until its enrollment status is `status`. */
  async function waitForStatus(page, nik, status, timeoutMs = 120_000) {
    await page.goto(`/#/orang/${nik}`);
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    for (;;) {
      const badge = page.locator('#status-rekam p .enrollment-status');
      await Promise.race([badge.waitFor(), page.getByText('Belum ada perekaman KTP-el yang diterima pusat.').waitFor()]);
      seen = (await badge.count()) ? await badge.getAttribute('data-status') : '';
      if (seen === status) return;
      if (Date.now() > deadline) assert.fail(`NIK ${nik}: status ${status} not reached in ${timeoutMs / 1000} s (last: ${seen || 'none'})`);
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
    }
  }

  before(async () => {
    browser = await chromium.launch({ executablePath: env.EKTP_CHROMIUM || '/usr/bin/chromium', headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  });
  after(async () => {
    const errors = Object.entries(pages).flatMap(([name, page]) => page.pageErrors.map((e) => `${name}: ${e}`));
    await browser?.close();
    for (const s of [station2, station1, central]) await s.stop();
    assert.deepEqual(errors, [], 'no page errors, no CSP violations');
  });

  step('an admin registers a station in the central UI; it is provisioned', async () => {
    await central.start();
    district = sqlite(centralDb, 'select district_code from persons group by district_code order by count(*) desc limit 1')[0];
    const admin = await open('admin', central.url);
    await login(admin, users.admin);
    assert.match(admin.url(), /#\/cari$/);
    const token = await registerStation(admin, 'st-uji-1', 'Kantor Kecamatan (uji)');
    await assertLabelled(admin, '#/stasiun');
    await shot(admin, 'register');
    ektp('station', 'init', '--db', `sqlite:${path.join(TMP, 'station1.db')}`, '--central', central.url,
      '--station-id', 'st-uji-1', '--code-file', codeFile('st-uji-1', token));
    await station1.start();
    await activateOperatorInUi(admin, station1, 'st-uji-1');
    await station1.stop();
    const s1 = path.join(TMP, 'station1.db');
    const adult = `select nik from persons where district_code = '${district}' and alive = 1 and birth_date < '2000-01-01' and coalesce(kk_number, '') <> '' order by nik limit 4`;
    [adult1, adult2, adult3, deceased] = sqlite(s1, adult);
    [child] = sqlite(s1, `select nik from persons where district_code = '${district}' and alive = 1 and birth_date > date('now','-10 years') limit 1`);
    assert.ok(adult1 && adult2 && adult3 && deceased && child, 'the working copy has adults and a child');
  });

  step('central goes down; the station UI works offline', async () => {
    await central.stop();
    await station1.start();
    const op = await open('op1', station1.url);
    await login(op, stationOperator);
    assert.match(op.url(), /#\/perekaman$/, 'an operator at a station starts at Perekaman');
    const nav = op.getByRole('navigation', { name: 'Menu utama' });
    await nav.getByRole('link', { name: 'Perekaman' }).waitFor();
    await nav.getByRole('link', { name: 'Antrean kirim' }).waitFor();
    await nav.getByRole('link', { name: 'Peristiwa' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Cakupan Perekaman' }).count(), 0, 'central-only pages are not offered');
    await op.goto('/#/antrean');
    await op.locator('.badge.link', { hasText: 'Luring' }).waitFor();
    await findResident(op, child);
    const refusal = op.locator('.not-eligible');
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /bukan wajib KTP/);
    await shot(op, 'not-wajib-ktp');
  });

  step('two residents are enrolled offline in the station UI', async () => {
    const op = pages.op1;
    await enroll(op, { nik: adult1, photo: 'matplotlib_grace_hopper.jpg', set: 'fvc2002-db1b', correction: 'Petani',
      missing: { position: 10, reason: 'luka', note: 'Kelingking kiri dibalut' }, screenshot: 'enroll-1' });
    await enroll(op, { nik: adult2, photo: 'skimage_astronaut_eileen_collins.png', set: 'fvc2002-db2b', screenshot: 'enroll-2',
      loseFirstAnswer: true });
    await op.goto('/#/antrean');
    await op.locator('.pending-count', { hasText: /^2$/ }).waitFor();
    assert.match(await op.locator('.pending-since').textContent(), /\d{4}.*WIB \((kurang dari 1 menit|\d+ menit)\)/, 'menunggu sejak: date, time, how long');
    await op.locator('.badge.link', { hasText: 'Luring' }).waitFor();
    assert.notEqual((await op.locator('.last-error').textContent()).trim(), '—', 'the last link error is shown');
    await shot(op, 'outbox-offline');
  });

  step('a death is recorded offline in the station UI and waits in the outbox', async () => {
    const op = pages.op1;
    await op.goto('/#/peristiwa');
    await op.getByRole('link', { name: 'Kematian' }).waitFor();
    assert.equal(await op.getByRole('link', { name: 'Pindah', exact: true }).count(), 0, 'events a station cannot send are not offered');
    await op.getByRole('link', { name: 'Kematian' }).click();
    await op.getByLabel('NIK yang meninggal').fill(deceased);
    await op.getByLabel('Tanggal kematian').fill(new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10));
    await op.getByLabel('Tempat kematian').fill('Pemalang');
    await op.getByLabel('Nomor dokumen').fill('SKK/12/2026');
    await op.getByRole('button', { name: 'Simpan' }).click();
    await op.getByText(/Tercatat di stasiun ini; dikirim ke pusat saat jaringan tersedia/).waitFor();
    await shot(op, 'death-offline');
    await op.goto('/#/antrean');
    await op.locator('.pending-count', { hasText: /^3$/ }).waitFor();
  });

  let mover; let moveInKk;
  step('a family from another kecamatan moves in, offline, with a KK number from the station', async () => {
    const op = pages.op1;
    // A whole family of another kecamatan (its head first), as the walkthrough moves one.
    const [oldKk] = sqlite(centralDb, `select kk_number from families where district_code <> '${district}' and active = 1 order by kk_number limit 1`);
    [mover] = sqlite(centralDb, `select head_nik from families where kk_number = '${oldKk}'`);
    const family = sqlite(centralDb, `select nik from persons where kk_number = '${oldKk}' and alive = 1 order by nik`);
    const [village] = sqlite(path.join(TMP, 'station1.db'), `select village_code from persons where district_code = '${district}' limit 1`);
    assert.ok(mover && family.length && village, 'a family elsewhere and a village here');
    await op.goto('/#/peristiwa');
    await op.getByRole('link', { name: 'Pindah Datang' }).click();
    await op.getByLabel('NIK yang pindah datang').fill(family.join('\n'));
    await op.getByLabel('Tanggal pindah').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    await op.getByLabel('Alamat (jalan/dusun)').fill('Jl. Baru 1');
    await op.getByLabel('RT').fill('001');
    await op.getByLabel('RW').fill('002');
    await op.getByLabel('Kecamatan').selectOption(district);
    await op.locator(`select[name="village"] option[value="${village}"]`).waitFor({ state: 'attached' });
    await op.getByLabel('Desa/Kelurahan').selectOption(village);
    await op.getByRole('button', { name: 'Simpan' }).click();
    const done = op.getByText(/Pindah datang tercatat\. Nomor KK baru: (KK)?\d+/);
    await done.waitFor();
    moveInKk = /Nomor KK baru: (\S+)\./.exec(await done.textContent())[1];
    assert.ok(moveInKk.includes(district), `the KK number ${moveInKk} is of this kecamatan`);
    await shot(op, 'move-in-offline');
    await op.goto('/#/antrean');
    await op.locator('.pending-count', { hasText: /^4$/ }).waitFor();
  });

  /**
   * The same through both UIs: the admin asks central's Stasiun page for the operator's code, and
   * the operator, at the station's login page, sets their password with it (a wrong code first).
   */
  async function activateOperatorInUi(admin, station, stationId) {
    await admin.goto('/#/stasiun');
    await admin.getByRole('button', { name: `Kode aktivasi untuk ${stationOperator[0]} di ${stationId}` }).click();
    const code = (await admin.locator('code.activation-code').textContent()).trim();
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await shot(admin, 'activation-code');
    const op = await open('activation', station.url);
    await op.goto('/#/masuk');
    // Before activation the operator cannot sign in at the station.
    await op.getByLabel('Nama pengguna', { exact: true }).fill(stationOperator[0]);
    await op.getByLabel('Kata sandi', { exact: true }).fill(stationOperator[1]);
    await op.getByRole('button', { name: 'Masuk', exact: true }).click();
    await op.getByText('Nama pengguna atau kata sandi salah.').waitFor();
    await op.getByText('Belum punya kata sandi di stasiun ini? Aktifkan akun').click();
    await op.getByLabel('Nama pengguna operator').fill(stationOperator[0]);
    await op.getByLabel('Kode aktivasi').fill(code.slice(0, -1) + (code.endsWith('0') ? '1' : '0'));
    await op.getByLabel('Kata sandi baru untuk stasiun ini').fill(stationOperator[1]);
    await op.getByLabel('Ulangi kata sandi baru').fill(stationOperator[1]);
    await op.getByRole('button', { name: 'Aktifkan akun' }).click();
    await op.getByText(/Kode aktivasi salah, kedaluwarsa, atau sudah dipakai/).waitFor();
    await op.getByLabel('Kode aktivasi').fill(code.toLowerCase());  // as typed from a note
    await op.getByRole('button', { name: 'Aktifkan akun' }).click();
    await op.getByText(`Akun ${stationOperator[0]} aktif di stasiun ini.`, { exact: false }).waitFor();
    await shot(op, 'activated');
    await op.getByLabel('Kata sandi', { exact: true }).fill(stationOperator[1]);
    await op.getByRole('button', { name: 'Masuk', exact: true }).click();
    await op.getByRole('button', { name: 'Keluar' }).waitFor();
    await op.context().close();
  }

  /** The operator activates their account at `station` with a one-time code central gives the admin. */
  async function activateOperator(station, stationId) {
    const { code } = await centralApi(users.admin, 'POST', `/stations/${stationId}/operators/${stationOperator[0]}/activation-code`);
    const r = await fetch(`${station.url}/api/v1/station/operators/activate`, { method: 'POST',
      body: JSON.stringify({ username: stationOperator[0], code, password: stationOperator[1] }) });
    assert.equal(r.status, 200, `activation at ${stationId}: ${await r.text()}`);
  }

  /** A JSON API call at central as `who` (for changes the test makes outside the UI under test). */
  async function centralApi(who, method, p, body) {
    const login = await fetch(`${central.url}/api/v1/auth/login`, { method: 'POST',
      body: JSON.stringify({ username: who[0], password: who[1] }) }).then((r) => r.json());
    const r = await fetch(`${central.url}/api/v1${p}`, { method, headers: { Authorization: `Bearer ${login.token}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = await r.json();
    assert.ok(r.ok, `${method} ${p}: ${JSON.stringify(answer)}`);
    return answer;
  }

  step('the station is killed and restarted, central comes back, both reach siap cetak', async () => {
    await station1.stop('SIGKILL');
    // While the station is down, central changes the first resident's occupation (a correction
    // approved by a supervisor, through the API): the station's offline edit of the same person
    // will arrive on an older version and become a sync conflict.
    await central.start();
    const { correction_id: correction } = await centralApi(users.operator, 'POST', '/corrections',
      { idempotency_key: `uji-${Date.now()}`, nik: adult1, fields: { occupation: 'Nelayan' }, reason: 'Surat keterangan kerja' });
    await centralApi(users.supervisor, 'POST', `/corrections/${correction}/approve`, {});
    await station1.start();
    const op = pages.op1;
    await op.reload();
    await op.locator('.pending-count', { hasText: /^0$/ }).waitFor({ timeout: 90_000 });
    await op.locator('.badge.link', { hasText: 'Daring' }).waitFor({ timeout: 30_000 });
    assert.equal(await op.locator('tbody tr', { hasText: 'Diterima pusat' }).count(), 3, 'an enrollment, the death and the move-in');
    assert.equal(await op.locator('tbody tr', { hasText: 'Diterima, ada konflik biodata' }).count(), 1);
    const dead = await centralApi(users.admin, 'GET', `/persons/${deceased}`);
    assert.equal(dead.alive, false, 'the death recorded at the desk is at central');
    const moved = await centralApi(users.admin, 'GET', `/persons/${mover}`);
    assert.equal(moved.kk_number, moveInKk, 'the family moved in at central, on the station\'s KK number');
    await shot(op, 'outbox-delivered');
    const admin = pages.admin;
    await waitForStatus(admin, adult1, 'siap_cetak');
    const timeline = admin.locator('ol.timeline');
    for (const s of ['direkam', 'terkirim', 'dedup', 'siap_cetak']) {
      assert.equal(await timeline.locator(`li[data-status="${s}"]`).count(), 1, `timeline step ${s}`);
    }
    await shot(admin, 'timeline-siap-cetak');
    await waitForStatus(admin, adult2, 'siap_cetak');
  });

  step('a supervisor resolves the biodata conflict in the central UI', async () => {
    const sup = await open('supervisor', central.url);
    await login(sup, users.supervisor);
    await sup.goto('/#/konflik');
    const row = sup.getByRole('row').filter({ hasText: adult1 });
    await row.waitFor();
    assert.match(await row.textContent(), /Pekerjaan: Petani.*Pekerjaan: Nelayan/, 'station and central values side by side');
    await shot(sup, 'conflict');
    await row.getByLabel(/^Alasan keputusan konflik/).fill('Data pusat lebih baru (surat keterangan kerja)');
    await row.getByRole('button', { name: 'Pakai data pusat' }).click();
    await sup.getByText(/data pusat dipakai/).waitFor();
    await sup.getByText('Tidak ada konflik yang terbuka.').waitFor();
  });

  step('the same fingers again are stopped at the desk of the same station', async () => {
    await enroll(pages.op1, { nik: adult3, photo: 'ageitgey_obama.jpg', set: 'fvc2002-db1b',
      missing: { position: 10, reason: 'luka', note: 'Kelingking kiri dibalut' },
      expectError: new RegExp(`sidik jari sama .*NIK ${adult1}`), screenshot: 'desk-duplicate' });
  });

  step('at a second station the third resident lands in adjudication', async () => {
    const token = await registerStation(pages.admin, 'st-uji-2', 'Layanan keliling (uji)');
    ektp('station', 'init', '--db', `sqlite:${path.join(TMP, 'station2.db')}`, '--central', central.url,
      '--station-id', 'st-uji-2', '--code-file', codeFile('st-uji-2', token));
    await station2.start();
    await activateOperator(station2, 'st-uji-2');
    const op2 = await open('op2', station2.url, { permissions: ['camera'] });
    await login(op2, stationOperator);
    await enroll(op2, { nik: adult3, photo: 'ageitgey_obama.jpg', set: 'fvc2002-db1b', camera: true,
      missing: { position: 10, reason: 'luka', note: 'Kelingking kiri dibalut' }, screenshot: 'enroll-3' });
    await waitForStatus(pages.admin, adult3, 'adjudikasi');
    await shot(pages.admin, 'timeline-adjudikasi');
  });

  step('two adjudicators decide the case in the adjudication UI', async () => {
    const adj1 = await open('adj1', central.url);
    await login(adj1, users.adj1);
    assert.match(adj1.url(), /#\/adjudikasi$/, 'an adjudicator starts at Adjudikasi');
    const row = adj1.getByRole('row').filter({ hasText: adult3 }).filter({ hasText: adult1 });
    await row.first().waitFor();
    const link = row.first().getByRole('link', { name: /^Kasus \d+$/ });
    caseId = (await link.textContent()).replace('Kasus ', '');
    await link.click();
    await adj1.getByRole('heading', { name: `Kasus Adjudikasi ${caseId}` }).waitFor();
    assert.match(await adj1.locator('.fused-score').textContent(), /^\d+\.\d{3}$/);
    // Nine finger pairs with both images and their minutiae drawn; the tenth was not captured.
    await adj1.locator('canvas.minutiae[data-drawn="true"]').nth(17).waitFor({ timeout: 30_000 });
    const drawn = await adj1.locator('canvas.minutiae[data-drawn="true"]').evaluateAll((cs) => cs.map((c) => ({
      minutiae: Number(c.dataset.minutiae), width: c.width, natural: c.previousElementSibling.naturalWidth })));
    assert.equal(drawn.length, 18);
    for (const d of drawn) {
      assert.ok(d.minutiae > 5, 'minutiae are drawn');
      assert.equal(d.width, d.natural, 'the overlay has the image\'s natural size');
    }
    assert.equal(await adj1.locator('.pair-row[data-position="10"]', { hasText: 'Tidak direkam: luka' }).count(), 1);
    assert.ok(await adj1.locator('.side-head img').evaluateAll((imgs) => imgs.every((i) => i.naturalWidth > 0)), 'both photos shown');
    await shot(adj1, 'adjudication-case');
    await assertLabelled(adj1, 'the adjudication case');
    await adj1.locator('.pair-row[data-position="1"]').screenshot({ path: path.join(RESULTS_DIR, 'station-adjudication-finger-1.png') });

    await adj1.getByLabel('Alasan keputusan').fill('Sembilan jari identik dengan NIK lain');
    await adj1.getByRole('button', { name: 'Duplikat', exact: true }).click();
    await adj1.getByText('Usulan tercatat: Duplikat').waitFor();
    // The proposer may not confirm: the refusal's stable reason is shown in Indonesian.
    await adj1.getByLabel('Alasan keputusan').fill('setuju');
    const [refused] = await Promise.all([
      adj1.waitForResponse((r) => r.url().endsWith(`/adjudication/cases/${caseId}/confirm`)),
      adj1.getByRole('button', { name: 'Setuju', exact: true }).click(),
    ]);
    assert.equal(refused.status(), 403);
    assert.equal((await refused.json()).error.reason, 'same_person');
    assert.equal((await adj1.locator('.decision .server-error').textContent()).trim(),
      'Aturan dua orang: keputusan harus dikonfirmasi oleh orang lain (NIK berbeda).');
    await shot(adj1, 'adjudication-proposed');

    const adj2 = await open('adj2', central.url);
    await login(adj2, users.adj2);
    await adj2.goto(`/#/adjudikasi/${caseId}`);
    await adj2.locator('.proposal', { hasText: `Usulan: Duplikat oleh ${users.adj1[0]}` }).waitFor();
    await adj2.getByLabel('Alasan keputusan').fill('Setuju, sidik jari identik');
    await adj2.getByRole('button', { name: 'Setuju', exact: true }).click();
    await adj2.getByText(`Kasus ${caseId} diputus: Duplikat.`).waitFor();
    await adj2.locator('.final-decision', { hasText: 'Diputus: Duplikat' }).waitFor();
    await shot(adj2, 'adjudication-decided');
  });

  step('the third resident\'s timeline says duplikat', async () => {
    await waitForStatus(pages.admin, adult3, 'duplikat', 30_000);
    assert.equal(await pages.admin.locator('ol.timeline li[data-status="adjudikasi"]').count(), 1);
    await shot(pages.admin, 'timeline-duplikat');
  });

  step('the resident follows the outcome on the public status page, without an account', async () => {
    const resident = await open('resident', central.url);
    await resident.goto('/#/status-ktp');
    await resident.getByLabel('NIK').fill(adult3);
    // The birth date is in the NIK: it opens nothing any more. A guessed receipt number neither.
    await resident.getByLabel('Nomor tanda terima').fill('AAAA-AAAA-AA');
    await resident.getByRole('button', { name: 'Lihat status' }).click();
    await resident.getByText('Tidak ada perekaman dengan NIK dan nomor tanda terima tersebut.').waitFor();
    assert.ok(receipts[adult3], 'the station showed a receipt number');
    await resident.getByLabel('Nomor tanda terima').fill(receipts[adult3]);
    await resident.getByRole('button', { name: 'Lihat status' }).click();
    await resident.locator('.resident-status ol.timeline li[data-status="ke_kantor"]').waitFor();
    await resident.getByText('hubungi Dinas Dukcapil').first().waitFor();
    const shown = await resident.locator('.resident-status').textContent();
    assert.doesNotMatch(shown, /st-uji|ganda|adjudikasi/);
    await assertLabelled(resident, '#/status-ktp');
    await shot(resident, 'resident-status');
  });

  // ---------- the first resident's card: no stock, a SUKET, a delivery, the print, the hand-over ----------

  const stockForm = (page, title) => page.locator('form.stock-form', { has: page.getByRole('heading', { name: title, exact: true }) });
  const pngSize = (bytes) => {
    assert.equal(bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG file');
    return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  };
  /** The first resident looks their card up on the public status page; returns the ready-date sentence. */
  async function residentSees(ready) {
    const resident = pages.resident;
    await resident.goto('/#/status-ktp');
    await resident.getByLabel('NIK').fill(adult1);
    await resident.getByLabel('Nomor tanda terima').fill(receipts[adult1]);
    await resident.getByRole('button', { name: 'Lihat status' }).click();
    const line = resident.locator(`.resident-status p.ready-date[data-ready="${ready}"]`);
    await line.waitFor();
    return (await line.textContent()).trim();
  }

  /**
   * A phone photo of a printed page (`png`): the paper lies slightly askew on a grey table, a
   * little out of focus, darker and unevenly lit, with sensor noise; a 1600 × 2133 JPEG
   * (quality 0.85). Drawn on a canvas in a blank page of `context`.
   */
  async function phonePhoto(context, png) {
    const scratch = await context.newPage();
    try {
      const jpeg = await scratch.evaluate(async (b64) => {
        const paper = new Image();
        paper.src = `data:image/png;base64,${b64}`;
        await paper.decode();
        const width = 1600; const height = Math.round((width * 4) / 3);
        const canvas = document.createElement('canvas');
        canvas.width = width; canvas.height = height;
        const g = canvas.getContext('2d');
        const table = g.createLinearGradient(0, 0, width, height);
        table.addColorStop(0, '#8d8a84'); table.addColorStop(1, '#5f5c57');
        g.fillStyle = table;
        g.fillRect(0, 0, width, height);
        const scale = (width * 0.84) / paper.width;
        g.save();
        g.translate(width / 2, height / 2);
        g.rotate((3 * Math.PI) / 180);
        g.filter = 'blur(0.8px) brightness(0.88) contrast(0.92)';
        g.drawImage(paper, (-paper.width * scale) / 2, (-paper.height * scale) / 2, paper.width * scale, paper.height * scale);
        g.restore();
        const image = g.getImageData(0, 0, width, height);
        const p = image.data;
        let seed = 12345;
        const random = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
        for (let i = 0; i < p.length; i += 4) {
          const shade = (-18 * i) / p.length;  // less light towards the bottom
          const noise = (random() - 0.5) * 12;
          p[i] += noise + shade; p[i + 1] += noise + shade; p[i + 2] += noise + shade - 4;
        }
        g.putImageData(image, 0, 0);
        return canvas.toDataURL('image/jpeg', 0.85).split(',')[1];
      }, png.toString('base64'));
      return Buffer.from(jpeg, 'base64');
    } finally {
      await scratch.close();
    }
  }

  async function uploadSuketPhoto(verifier) {
    await verifier.getByLabel('Foto atau hasil pindaian SUKET').setInputFiles({ name: 'foto-suket.jpg', mimeType: 'image/jpeg', buffer: suketPhoto });
    const status = verifier.locator('#status-suket');
    await status.waitFor();
    return status.getAttribute('data-status');
  }

  let suketId; let suketPhoto; let cardRequestId;
  step('with no blanko on hand and none announced, the first resident at siap cetak sees no date yet', async () => {
    const sup = pages.supervisor;
    await sup.goto('/#/cetak');
    assert.equal(await sup.getByLabel('Kantor (kode wilayah)', { exact: true }).inputValue(), '3327');
    const stock = sup.locator('.stock-on-hand');
    await stock.waitFor();
    const held = Number((await stock.textContent()).split(' blanko')[0].replace(/\D/g, ''));
    assert.ok(held > 0, 'the demo Dinas holds blanko');
    await sup.getByText('Belum ada kiriman yang diumumkan.').waitFor();
    // The whole stock goes to a kecamatan.
    const transfer = stockForm(sup, 'Pindahkan blanko');
    await transfer.getByLabel('Ke kantor (kode wilayah)').fill('332709');
    await transfer.getByLabel('Jumlah blanko').fill(String(held));
    await transfer.getByRole('button', { name: 'Pindahkan blanko' }).click();
    await transfer.getByText(/Dipindahkan ke 332709: \d+/).waitFor();
    await sup.locator('.stock-on-hand', { hasText: /^0 blanko ada di persediaan\.$/ }).waitFor();
    await shot(sup, 'card-stock-empty');

    assert.ok(receipts[adult1], 'the station showed the first resident a receipt number');
    assert.equal(await residentSees('no_date'), 'Belum ada tanggal: blanko KTP-el sedang habis dan belum ada kiriman yang dijadwalkan. '
      + 'Tanggal akan muncul begitu kiriman blanko diumumkan.');
    await pages.resident.locator('.resident-status p .enrollment-status[data-status="siap_cetak"]').waitFor();
    await shot(pages.resident, 'card-no-date');
  });

  step('the desk issues a SUKET; its PDF is downloaded and its page photographed', async () => {
    const desk = await open('desk', central.url);
    await login(desk, users.operator);
    await desk.goto('/#/loket');
    await desk.getByLabel('NIK penduduk').fill(adult1);
    await desk.getByRole('button', { name: 'Cari', exact: true }).click();
    await desk.locator('p.ready-date[data-ready="no_date"]', { hasText: 'Belum ada tanggal: blanko KTP-el sedang habis' }).waitFor();
    await desk.locator('td', { hasText: 'Menunggu cetak' }).waitFor();
    await desk.getByText('Tidak ada kartu yang siap diserahkan.').waitFor();
    const [issued] = await Promise.all([
      desk.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/v1/card/persons/${adult1}/suket`)),
      desk.getByRole('button', { name: 'Terbitkan SUKET' }).click(),
    ]);
    assert.equal(issued.status(), 201);
    const suket = await issued.json();
    suketId = suket.id;
    assert.deepEqual(suket.ready, { status: 'no_date', reason: 'no_stock_no_delivery' }, 'the SUKET invents no date');
    await desk.getByText(/^SUKET diterbitkan, berlaku hingga .+\. Unduh PDF untuk dicetak dan diserahkan\.$/).waitFor();
    const row = desk.locator('section.suket tbody tr').first();
    await row.locator('td', { hasText: /^Berlaku$/ }).waitFor();
    assert.match(await row.textContent(), /Belum ada tanggal: blanko KTP-el sedang habis/);
    await assertLabelled(desk, '#/loket');
    await shot(desk, 'card-suket-issued');

    const [download] = await Promise.all([desk.waitForEvent('download'), row.getByRole('button', { name: 'Unduh PDF' }).click()]);
    assert.equal(download.suggestedFilename(), `SUKET-${adult1}.pdf`);
    const pdfFile = path.join(RESULTS_DIR, 'card-journey-suket.pdf');
    await download.saveAs(pdfFile);
    const pdf = fs.readFileSync(pdfFile);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the download is a PDF');
    assert.ok(pdf.length > 10_000, 'the PDF holds the page');
    // The same A5 page as a 200 dpi picture (no PDF rasteriser here), with the desk's session.
    const page = Buffer.from(await desk.evaluate(async (id) => {
      const { api } = await import('/js/api.js');
      const blob = await api.blob(`/card/sukets/${id}/document.png`);
      const url = await new Promise((resolve) => { const r = new FileReader(); r.onload = () => resolve(r.result); r.readAsDataURL(blob); });
      return url.slice(url.indexOf(',') + 1);
    }, suketId), 'base64');
    assert.deepEqual(pngSize(page), [1165, 1654], 'A5 at 200 dpi');
    fs.writeFileSync(path.join(RESULTS_DIR, 'card-journey-suket-page.png'), page);
    suketPhoto = await phonePhoto(desk.context(), page);
    fs.writeFileSync(path.join(RESULTS_DIR, 'card-journey-suket-photo.jpg'), suketPhoto);
  });

  step('the SUKET photo is verified on /verifikasi, loaded once, with central stopped', async () => {
    const verifier = await open('verifier', central.url, { viewport: { width: 390, height: 844 } });
    await verifier.goto('/verifikasi');
    await verifier.locator('html[data-trust="ready"]').waitFor();
    assert.match(await verifier.locator('#status-jaringan').textContent(), /^Daring/);
    // The service worker has installed the page and its files and controls this page.
    await verifier.evaluate(async () => { await navigator.serviceWorker.ready; });
    await verifier.waitForFunction(() => !!navigator.serviceWorker.controller);

    await central.stop();
    await verifier.reload();
    await verifier.locator('html[data-trust="ready"]').waitFor();
    assert.equal(await verifier.title(), 'Verifikasi SUKET');
    assert.match(await verifier.locator('#status-jaringan').textContent(), /^Luring \(offline\)/);
    assert.equal(await uploadSuketPhoto(verifier), 'valid');
    const result = verifier.locator('#hasil');
    assert.equal((await verifier.locator('#status-suket').textContent()).trim(), 'SUKET asli dan masih berlaku');
    await result.getByText(adult1, { exact: true }).waitFor();
    assert.match(await result.textContent(), new RegExp(`ID SUKET: ${suketId}`));
    await shot(verifier, 'card-suket-valid-offline');

    await central.start();
  });

  step('500 blanko arrive and the resident sees a date', async () => {
    const sup = pages.supervisor;
    await sup.reload();
    await sup.locator('.stock-on-hand', { hasText: /^0 blanko/ }).waitFor();
    const receive = stockForm(sup, 'Terima blanko');
    await receive.getByLabel('Nomor pertama').fill('900001');
    await receive.getByLabel('Nomor terakhir').fill('900500');
    await receive.getByLabel('Nomor alokasi / surat pengantar').fill('Surat alokasi 470/112/2026');
    await receive.getByRole('button', { name: 'Terima blanko' }).click();
    await receive.getByText('Blanko diterima. Persediaan sekarang 500.').waitFor();
    await sup.locator('.stock-on-hand', { hasText: /^500 blanko ada di persediaan\.$/ }).waitFor();
    assert.match(await residentSees('date'), /^Perkiraan kartu selesai dicetak: (antara )?\d{1,2} [A-Z][a-z]+ 20\d\d/);
    await shot(pages.resident, 'card-date');
  });

  step('the card is printed (urgent: medical) and its face is saved with the test output', async (t) => {
    const { requests } = await centralApi(users.supervisor, 'GET', `/card/persons/${adult1}`);
    const waiting = requests.filter((r) => r.status === 'waiting');
    assert.equal(waiting.length, 1, 'the first card waits');
    cardRequestId = waiting[0].id;
    await centralApi(users.supervisor, 'POST', `/card/requests/${cardRequestId}/urgent`, { urgent_reason: 'medical' });
    const sup = pages.supervisor;
    await sup.getByRole('button', { name: 'Tampilkan' }).click();
    await sup.locator('section[aria-labelledby="antrean-h"] tbody tr').first().filter({ hasText: adult1 }).filter({ hasText: 'Medis' }).waitFor();
    await sup.getByRole('button', { name: 'Cetak berikutnya' }).click();
    await sup.getByText(`Kartu NIK ${adult1} dicetak pada blanko nomor 900001.`).waitFor();
    await sup.waitForFunction(() => { const img = document.querySelector('img.card-face'); return img?.complete && img.naturalWidth > 0; });
    const face = sup.locator('img.card-face');
    assert.equal(await face.getAttribute('alt'), `Muka kartu NIK ${adult1}`);
    // The card face the page shows, fetched again from face.png with the supervisor's session
    // (the page's CSP does not let a script read the blob: URL of the image).
    const bytes = Buffer.from(await sup.evaluate(async (id) => {
      const { api } = await import('/js/api.js');
      const blob = await api.blob(`/card/requests/${id}/face.png`);
      const url = await new Promise((resolve) => { const r = new FileReader(); r.onload = () => resolve(r.result); r.readAsDataURL(blob); });
      return url.slice(url.indexOf(',') + 1);
    }, cardRequestId), 'base64');
    assert.deepEqual(pngSize(bytes), [1011, 638], 'ID-1 at 300 dpi');
    assert.deepEqual(await face.evaluate((img) => [img.naturalWidth, img.naturalHeight]), [1011, 638], 'the face shown');
    const faceFile = path.join(RESULTS_DIR, 'card-journey-face.png');
    fs.writeFileSync(faceFile, bytes);
    t.diagnostic(`card face: ${path.relative(ROOT, faceFile)}`);
    await sup.locator('.stock-on-hand', { hasText: /^499 blanko/ }).waitFor();
    await shot(sup, 'card-printed');
  });

  step('the card is handed over after a 1:1 check of another impression of an enrolled finger', async () => {
    const desk = pages.desk;
    await desk.getByRole('button', { name: 'Cari', exact: true }).click();
    await desk.locator('td', { hasText: 'Dicetak, siap diambil' }).waitFor();
    const form = desk.locator('form.pickup-form', { has: desk.getByRole('heading', { name: 'Penyerahan kartu' }) });
    // Enrolled at the station from impression 1 of FVC finger 102 as position 2 (Telunjuk kanan).
    await form.getByLabel('Jari yang dipindai').selectOption({ label: 'Telunjuk kanan' });
    let failures = 0;
    for (const impression of [2, 3, 4]) {
      await form.getByLabel('Gambar sidik jari dari pemindai (500 ppi)')
        .setInputFiles(path.join(TEST_DATA, 'fingerprints', 'fvc2002-db1b', `102_${impression}.tif`));
      const [answer] = await Promise.all([
        desk.waitForResponse((r) => r.url().endsWith(`/api/v1/card/requests/${cardRequestId}/collect`)),
        form.getByRole('button', { name: 'Periksa sidik jari dan serahkan' }).click(),
      ]);
      if (answer.ok()) break;
      assert.equal((await answer.json()).error.reason, 'fingerprint_no_match', `impression ${impression}`);
      failures += 1;
      await form.locator('.pickup-result', { hasText: `Sisa percobaan sebelum supervisor: ${4 - failures}.` }).waitFor();
    }
    assert.ok(failures < 3, 'another impression of the enrolled finger matched');
    await desk.getByText('Sidik jari cocok. Kartu diserahkan dan tercatat diambil.').waitFor();
    assert.doesNotMatch(await desk.locator('main').innerText(), /\bnull\b|undefined/, 'no "null" on the Loket');
    const request = desk.locator('#loket-h ~ .table-wrap tbody tr').first();
    await request.locator('td', { hasText: 'Sudah diambil' }).waitFor();
    assert.match(await request.textContent(), new RegExp(`blanko 900001.*${users.operator[0]}${failures}$`));
    await desk.locator('section.suket td', { hasText: 'Tidak berlaku (KTP-el sudah diambil)' }).waitFor();
    await desk.getByText('Penduduk ini sudah memegang KTP-el: SUKET tidak diperlukan.').waitFor();
    await shot(desk, 'card-collected');
  });

  step('the same SUKET photo now reads superseded on /verifikasi', async () => {
    const verifier = pages.verifier;
    await verifier.reload();
    await verifier.locator('html[data-trust="ready"]').waitFor();
    assert.match(await verifier.locator('#status-jaringan').textContent(), /^Daring/);
    assert.equal(await uploadSuketPhoto(verifier), 'superseded');
    assert.equal((await verifier.locator('#status-suket').textContent()).trim(), 'SUKET ini sudah tidak berlaku: KTP-el pemiliknya sudah diambil');
    await verifier.locator('#hasil').getByText(adult1, { exact: true }).waitFor();
    await shot(verifier, 'card-suket-superseded');
  });
}
