// The public SUKET verification page (/verifikasi, verifikasi.html): reads a SUKET's QR code
// from the camera, a picture or pasted text, verifies it in this browser (verify.js) against
// the issuer lists kept by trust-store.js, and shows the verdict. Registers verifikasi-sw.js so
// that the page and its lists work offline after one visit. Nothing is sent to the server.
import { h, clear, put } from '../dom.js';
import { verifySuket } from './verify.js';
import { loadTrust } from './trust-store.js';
import { readQrFromFile, startCameraScan } from './scan.js';

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September',
  'Oktober', 'November', 'Desember'];
const WIB_OFFSET_S = 7 * 3600;

// "2026-08-15" → "15 Agustus 2026".
const longDate = (iso) => {
  const [year, month, day] = iso.split('-').map(Number);
  return `${day} ${MONTHS[month - 1]} ${year}`;
};
// Seconds since 1970 → "1 Juli 2026 pukul 07.00 WIB" (Jakarta time).
const longMoment = (seconds) => {
  const t = new Date((seconds + WIB_OFFSET_S) * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} pukul ${two(t.getUTCHours())}.${two(t.getUTCMinutes())} WIB`;
};

const GENDER = { 1: 'Laki-laki', 2: 'Perempuan', 3: 'Lainnya' };

// The headline and explanation of each verdict; data-status carries the key.
const VERDICTS = {
  valid: { tone: 'ok', title: 'SUKET asli dan masih berlaku', text: () => 'Tanda tangan penerbit cocok dan SUKET belum habis masa berlakunya. Cocokkan foto dan data di bawah dengan pemegangnya.' },
  expired: { tone: 'warn', title: 'SUKET asli tetapi sudah habis masa berlakunya', text: (v) => `SUKET ini berlaku sampai ${longMoment(v.claims.expiresAt)}. Pemegangnya perlu mengurus KTP-el atau SUKET baru di Dinas Dukcapil.` },
  superseded: { tone: 'bad', title: 'SUKET ini sudah tidak berlaku: KTP-el pemiliknya sudah diambil', text: () => 'SUKET ini tercantum dalam daftar SUKET yang sudah diganti (KTP-el sudah diserahkan, atau SUKET dicetak ulang). Mintalah KTP-el atau SUKET terbaru.' },
  unknown_issuer: { tone: 'bad', title: 'Penerbit SUKET tidak dikenal', text: () => 'SUKET ini ditandatangani dengan kunci yang tidak ada dalam daftar penerbit resmi, atau di luar masa berlaku kunci itu. Jangan terima SUKET ini.' },
  forged: { tone: 'bad', title: 'SUKET palsu: tanda tangan tidak cocok', text: () => 'Isi kode QR tidak sesuai dengan tanda tangan penerbitnya; SUKET ini mungkin telah diubah. Jangan terima SUKET ini.' },
  malformed: { tone: 'bad', title: 'Kode QR bukan SUKET yang utuh', text: () => 'Kode QR terbaca, tetapi isinya bukan SUKET yang lengkap. Coba pindai atau tempel ulang; bila tetap gagal, SUKET ini tidak dapat diterima.' },
  no_qr: { tone: 'warn', title: 'Tidak ada kode QR yang terbaca pada gambar ini', text: () => 'Pastikan seluruh kode QR tampak jelas, terang dan tidak buram, lalu coba foto atau pindai lagi.' },
  not_image: { tone: 'warn', title: 'Berkas ini bukan gambar yang dapat dibaca', text: () => 'Pilih foto atau hasil pindaian SUKET (JPEG atau PNG).' },
  no_trust_list: { tone: 'warn', title: 'SUKET belum dapat diperiksa: daftar penerbit belum tersedia', text: () => 'Buka halaman ini sekali saat tersambung ke internet agar daftar penerbit tersimpan di perangkat ini.' },
};

const $ = (id) => document.getElementById(id);
let trust = null;
let trustReady = null;
let photoUrl = null;
let stopCamera = null;

// ---------- trust data ----------

function showTrust(state) {
  const network = $('status-jaringan');
  network.dataset.offline = String(state.offline);
  network.textContent = state.offline
    ? 'Luring (offline): memakai data penerbit yang tersimpan di perangkat ini.'
    : 'Daring: data penerbit baru saja diperiksa ke server.';

  const updated = $('daftar-diperbarui');
  if (state.trustList) {
    const when = state.trustListFetchedAt ? longMoment(Math.floor(state.trustListFetchedAt / 1000)) : 'pada waktu yang tidak diketahui';
    updated.textContent = `Daftar penerbit diperbarui ${when} (diterbitkan ${longMoment(state.trustList.issuedAt)}, ${state.trustList.keys.length} kunci penerbit).`;
  } else {
    updated.textContent = 'Daftar penerbit belum tersedia di perangkat ini.';
  }
  const superseded = $('daftar-diganti');
  superseded.textContent = state.superseded
    ? `Daftar SUKET yang diganti diterbitkan ${longMoment(state.superseded.issuedAt)} (${state.superseded.ids.length} SUKET).`
    : 'Daftar SUKET yang diganti belum tersedia: SUKET yang sudah diganti belum dapat dikenali.';

  const root = $('kunci-akar');
  if (!state.root) root.textContent = 'Kunci akar belum disematkan.';
  else if (state.pinnedNow) {
    root.textContent = `Kunci akar ${state.root.kid} baru saja disematkan di peramban ini: kunci ini dipercaya pada kunjungan pertama, dan sejak sekarang hanya daftar yang ditandatangani kunci ini yang diterima.`;
  } else {
    const since = state.root.pinnedAt ? ` sejak ${longMoment(Math.floor(state.root.pinnedAt / 1000))}` : '';
    root.textContent = `Kunci akar ${state.root.kid} disematkan di peramban ini${since} (dipercaya pada kunjungan pertama).`;
  }
  const warnings = clear($('peringatan'));
  warnings.hidden = state.warnings.length === 0;
  for (const text of state.warnings) warnings.append(h('li', {}, text));
}

async function refreshTrust() {
  trustReady = loadTrust({ online: navigator.onLine }).then((state) => {
    trust = state;
    showTrust(state);
    document.documentElement.dataset.trust = 'ready';
    return state;
  });
  return trustReady;
}

// ---------- the verdict ----------

function row(label, value) { return [h('dt', {}, label), h('dd', {}, value)]; }

function claimsView(claims) {
  if (photoUrl) URL.revokeObjectURL(photoUrl);
  photoUrl = null;
  let photo = null;
  if (claims.face) {
    photoUrl = URL.createObjectURL(new Blob([claims.face.image], { type: claims.face.format === 'png' ? 'image/png' : 'image/jpeg' }));
    photo = h('img', { class: 'suket-foto', src: photoUrl, alt: `Foto wajah ${claims.fullName} pada SUKET` });
  }
  return h('div', { class: 'suket-data' },
    photo ?? h('p', { class: 'muted suket-tanpa-foto' }, 'SUKET ini tidak memuat foto.'),
    h('dl', { class: 'bio' },
      row('Nama', claims.fullName),
      row('NIK', claims.nik),
      row('Tanggal lahir', longDate(claims.birthDate)),
      row('Jenis kelamin', GENDER[claims.gender]),
      row('Alamat', claims.address),
      row('Penerbit', claims.issuer),
      row('Diterbitkan', longMoment(claims.issuedAt)),
      row('Berlaku sampai', longMoment(claims.expiresAt)),
      claims.cardReadyEstimate ? row('Perkiraan KTP-el siap', longDate(claims.cardReadyEstimate)) : null));
}

function showVerdict(status, verdict = null) {
  const info = VERDICTS[status];
  put(clear($('hasil')),
    h('p', { id: 'status-suket', class: `suket-status ${info.tone}`, dataset: { status } }, info.title),
    h('p', {}, info.text(verdict)),
    verdict?.claims ? claimsView(verdict.claims) : null,
    verdict && (verdict.reason || verdict.id) ? h('details', { class: 'muted' }, h('summary', {}, 'Rincian teknis'),
      verdict.id ? h('p', {}, `ID SUKET: ${verdict.id}`) : null,
      verdict.kid ? h('p', {}, `Kunci penerbit: ${verdict.kid}`) : null,
      verdict.reason ? h('p', {}, verdict.reason) : null) : null);
  $('hasil-kartu').hidden = false;
  $('hasil-judul').focus({ preventScroll: true });
  $('hasil-kartu').scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function showBusy(text) {
  $('hasil-kartu').hidden = false;
  clear($('hasil')).append(h('p', { class: 'muted' }, text));
}

async function check(text) {
  showBusy('Memeriksa SUKET…');
  const state = await trustReady;
  if (!state.trustList) {
    showVerdict('no_trust_list');
    return;
  }
  const verdict = await verifySuket(text, state.trustList, state.superseded, Math.floor(Date.now() / 1000));
  showVerdict(verdict.status, verdict);
}

// ---------- the three ways in ----------

function setCameraUi(running, message = '') {
  $('kamera-mulai').hidden = running;
  $('kamera-henti').hidden = !running;
  $('kamera').hidden = !running;
  $('kamera-pesan').textContent = message;
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) {
    setCameraUi(false, 'Peramban ini tidak dapat memakai kamera. Unggah foto SUKET atau tempel teks kode QR.');
    return;
  }
  setCameraUi(true, 'Arahkan kamera ke kode QR pada SUKET…');
  try {
    stopCamera = await startCameraScan($('kamera'), (text) => {
      stopCamera = null;
      setCameraUi(false, 'Kode QR terbaca.');
      check(text);
    });
  } catch (e) {
    stopCamera = null;
    const why = e?.name === 'NotAllowedError' ? 'izin kamera ditolak'
      : e?.name === 'NotFoundError' ? 'tidak ada kamera' : 'kamera sedang dipakai atau tidak dapat dibuka';
    setCameraUi(false, `Kamera tidak dapat dibuka: ${why}. Unggah foto SUKET atau tempel teks kode QR.`);
  }
}

function stopCameraNow() {
  stopCamera?.();
  stopCamera = null;
  setCameraUi(false, 'Kamera dihentikan.');
}

async function onFile() {
  const file = $('berkas').files?.[0];
  if (!file) return;
  if (stopCamera) stopCameraNow();
  showBusy('Membaca kode QR dari gambar…');
  let text;
  try {
    text = await readQrFromFile(file);
  } catch {
    showVerdict('not_image');
    return;
  }
  if (!text) showVerdict('no_qr');
  else await check(text);
}

function onPaste(event) {
  event.preventDefault();
  // Only line breaks around the text go: a space is a Base45 character, even at either end.
  const text = $('teks-qr').value.replace(/^[\r\n]+|[\r\n]+$/g, '');
  if (!text) {
    $('teks-pesan').textContent = 'Tempel teks kode QR terlebih dahulu.';
    return;
  }
  $('teks-pesan').textContent = '';
  if (stopCamera) stopCameraNow();
  check(text);
}

// ---------- start ----------

function start() {
  $('kamera-mulai').addEventListener('click', startCamera);
  $('kamera-henti').addEventListener('click', stopCameraNow);
  $('berkas').addEventListener('change', onFile);
  $('form-teks').addEventListener('submit', onPaste);
  window.addEventListener('online', refreshTrust);
  window.addEventListener('offline', () => { if (trust) showTrust({ ...trust, offline: true }); });
  refreshTrust();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/verifikasi-sw.js', { scope: '/verifikasi' }).catch(() => {
      $('status-sw').textContent = 'Halaman ini belum dapat disiapkan untuk dipakai tanpa internet di peramban ini.';
    });
  }
}

start();
