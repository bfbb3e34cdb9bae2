// The station flow in a real browser against real processes (scripts/station-browser-test.sh sets
// it up): an admin registers a station in the central UI, it is provisioned, central goes down,
// the operator enrolls two residents offline in the station UI (real face photos, real FVC
// fingerprints), the station is killed and restarted, central comes back, and both reach
// "siap cetak" on the central person page. A third resident with the first one's fingers is
// stopped at the same desk, enrolled at a second station, lands in adjudication, is decided there
// by two adjudicators, and the timeline then says "duplikat".
// Without EKTP_STATION_TMP (a plain `node --test web/tests/`) the test is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { RESULTS_DIR, CHROMIUM_ARGS } from '../helpers.mjs';
import { Server, ektp, sqlite, SHARED, TMP } from './processes.mjs';

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
  const face = (f) => path.join(SHARED, 'faces', f);
  const fingerFile = (set, position) => path.join(SHARED, 'fingerprints', set, `${100 + position}_1.tif`);
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
}
