// Siapa yang melihat data saya (public): a resident signs in with their NIK, birth date and the
// PIN given at the office with the enrollment receipt, and sees every read of their data — who,
// when, what kind, for which purpose, which data — and the agency agreements that cover them;
// a read they do not recognise they report ("Laporkan"), which opens a case for the admin.
// The resident's token lives in sessionStorage apart from any officer's session, for 15 minutes.
import { h, put, alertBox, table, waktu } from '../dom.js';
import { api } from '../api.js';
import { nikField, dateField, textField } from '../widgets.js';
import { label, PROFILE_FIELD, ROLE, READ_KIND, READ_ACTION } from '../labels.js';

const KEY = 'ektp.resident';
const NOTE_MAX = 500;
const OPERATION = { verify: 'verifikasi', retrieve: 'pengambilan data', bulk_match: 'pemadanan massal', subscribe: 'langganan peristiwa', record_marriage: 'pencatatan perkawinan' };

function residentSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return s && s.expires_at_ms > Date.now() ? s : null;
  } catch { return null; }
}
const endResidentSession = () => sessionStorage.removeItem(KEY);

function whoText(who) {
  switch (who.type) {
    case 'agency': return `${who.agency_name || who.agency_code} (instansi, kode ${who.agency_code})`;
    case 'station': return `Stasiun perekaman ${who.station_id}`;
    case 'public': return 'Publik (tanpa akun)';
    case 'system': return 'Sistem';
    default: {
      const office = who.office_name || who.office_code;
      const detail = [who.role ? label(ROLE, who.role) : null, office ? `kantor ${office}` : null].filter(Boolean).join(', ');
      return detail ? `${who.username} (${detail})` : who.username;
    }
  }
}

function fieldsText(read) {
  if (read.fields && read.fields.length) return read.fields.map((f) => label(PROFILE_FIELD, f)).join(', ');
  return READ_ACTION[read.action] || read.action;
}

// A Jakarta calendar day (an agreement runs from one 00:00 WIB to another).
const jakartaDay = (ms) => new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'long' }).format(new Date(ms));

const fieldsList = (fields) => (fields && fields.length ? fields.map((f) => label(PROFILE_FIELD, f)).join(', ') : '—');

// The dialog in which a read is reported, with an optional note.
function reportDialog(session, read, onReported) {
  const note = textField('Catatan untuk petugas', {
    required: false, multiline: true, maxlength: NOTE_MAX,
    help: `Mengapa pembacaan ini tidak Anda kenali (paling banyak ${NOTE_MAX} karakter).`,
  });
  const msg = h('div', { 'aria-live': 'polite' });
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Batal');
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h3', { id: 'lapor-h' }, 'Laporkan pembacaan'),
    h('p', {}, `${waktu(read.at)} — ${whoText(read.who)} — ${label(READ_KIND, read.kind)}.`),
    note.el, msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Kirim laporan'), cancel));
  const dialog = h('dialog', { class: 'card', 'aria-labelledby': 'lapor-h' }, form);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());  // Batal, Esc, or sent
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    if (note.value().length > NOTE_MAX) { note.showError(`Catatan paling banyak ${NOTE_MAX} karakter.`); return; }
    try {
      const r = await api.residentReport(session.token, read.seq, note.value());
      dialog.close();
      onReported(r);
    } catch (e) {
      msg.append(alertBox('error', e.message));
    }
  });
  return dialog;
}

async function showReads(main, session, view) {
  const rows = [];
  const notice = h('div', { 'aria-live': 'polite' });
  const tableBox = h('div', {}, h('p', { class: 'muted' }, 'Memuat…'));
  const more = h('button', { type: 'button', class: 'secondary' }, 'Tampilkan yang lebih lama');
  more.hidden = true;
  let before = null;
  const draw = () => {
    tableBox.replaceChildren(rows.length === 0 ? h('p', {}, 'Belum ada yang membaca data Anda.') : table([
      { label: 'Waktu', value: (r) => waktu(r.at) },
      { label: 'Siapa', value: (r) => whoText(r.who) },
      { label: 'Jenis', value: (r) => label(READ_KIND, r.kind) },
      { label: 'Tujuan', value: (r) => r.purpose || '—' },
      { label: 'Data yang dilihat', value: fieldsText },
      { label: 'Tindakan', value: reportCell },
    ], rows, { caption: 'Pembacaan data Anda, terbaru di atas' }));
  };
  function reportCell(r) {
    if (r.reported) return h('span', { class: 'badge' }, 'Dilaporkan');
    const b = h('button', { type: 'button', class: 'secondary', 'aria-label': `Laporkan pembacaan ${waktu(r.at)} oleh ${whoText(r.who)}` }, 'Laporkan');
    b.addEventListener('click', () => {
      const dialog = reportDialog(session, r, (filed) => {
        r.reported = true;
        draw();
        notice.replaceChildren(alertBox('success', `Laporan nomor ${filed.id} diterima. Petugas Dinas Dukcapil akan memeriksanya.`));
      });
      view.append(dialog);
      dialog.showModal();
    });
    return b;
  }
  const load = async () => {
    try {
      const page = await api.residentReads(session.token, before);
      rows.push(...page.reads);
      before = page.next_before;
      more.hidden = !before;
      draw();
    } catch (e) {
      if (e.status === 401) { endResidentSession(); renderPage(main, e.message); return; }
      tableBox.replaceChildren(alertBox('error', `Daftar tidak dapat dimuat: ${e.message}`));
    }
  };
  more.addEventListener('click', load);
  put(view, h('section', { class: 'card', 'aria-labelledby': 'baca-h' },
    h('h3', { id: 'baca-h' }, 'Siapa yang membaca data saya'),
    h('p', { class: 'muted' }, 'Setiap pembacaan data Anda oleh petugas, instansi, dan sistem tercatat di log audit dan tampil di sini paling lambat satu menit kemudian.'),
    notice, tableBox, more));
  await load();
}

async function showAgreements(main, session, view) {
  const box = h('div', {}, h('p', { class: 'muted' }, 'Memuat…'));
  put(view, h('section', { class: 'card', 'aria-labelledby': 'pks-h' },
    h('h3', { id: 'pks-h' }, 'Perjanjian kerja sama yang mencakup data saya'),
    h('p', { class: 'muted' }, 'Instansi yang saat ini boleh memeriksa atau menerima data penduduk di wilayah Anda, untuk tujuan yang tercantum.'),
    box));
  try {
    const { agreements } = await api.residentAgreements(session.token);
    box.replaceChildren(agreements.length === 0 ? h('p', {}, 'Tidak ada perjanjian yang mencakup wilayah Anda.') : table([
      { label: 'Instansi', value: (g) => g.agency_name },
      { label: 'Nomor PKS', value: (g) => g.number },
      { label: 'Tujuan', value: (g) => g.purposes.join('; ') },
      { label: 'Layanan', value: (g) => g.operations.map((o) => OPERATION[o] || o).join(', ') },
      { label: 'Data yang boleh diperiksa', value: (g) => fieldsList(g.verify_fields) },
      { label: 'Data yang boleh diterima', value: (g) => fieldsList(g.retrieve_fields) },
      { label: 'Berlaku', value: (g) => `${jakartaDay(g.valid_from_ms)} s.d. ${jakartaDay(g.valid_until_ms - 1)}` },
    ], agreements, { caption: 'Perjanjian yang berlaku sekarang' }));
  } catch (e) {
    if (e.status === 401) { endResidentSession(); renderPage(main, e.message); return; }
    box.replaceChildren(alertBox('error', `Perjanjian tidak dapat dimuat: ${e.message}`));
  }
}

async function renderSignedIn(main, session) {
  const out = h('button', { type: 'button', class: 'secondary' }, 'Keluar dari halaman ini');
  out.addEventListener('click', async () => {
    try { await api.residentLogout(session.token); } catch { /* the session ends here anyway */ }
    endResidentSession();
    renderPage(main, 'Anda telah keluar.');
  });
  const view = h('div', { class: 'who-looked' });
  main.replaceChildren(h('h2', {}, 'Siapa yang melihat data saya'),
    h('p', {}, `NIK ${session.nik}. Sesi berakhir pukul ${waktu(session.expires_at)}.`, ' ', out), view);
  await showReads(main, session, view);
  await showAgreements(main, session, view);
}

export async function renderWhoLooked(main) { await renderPage(main, ''); }

async function renderPage(main, notice) {
  const session = residentSession();
  if (session) { await renderSignedIn(main, session); return; }
  const nik = nikField('NIK');
  const birth = dateField('Tanggal lahir');
  const pin = textField('PIN', {
    maxlength: 8,
    help: 'PIN 6–8 angka yang diberikan petugas Dinas Dukcapil bersama bukti perekaman. Belum punya? Minta di kantor Dinas Dukcapil.',
    check: (v) => (/^\d{6,8}$/.test(v) ? null : 'PIN terdiri dari 6 sampai 8 angka.'),
  });
  pin.control.type = 'password';
  pin.control.inputMode = 'numeric';
  pin.control.autocomplete = 'off';
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true },
    nik.el, birth.el, pin.el, msg, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Masuk')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    const errors = [[nik, nik.validate()], [birth, birth.validate()], [pin, pin.validate()]];
    errors.forEach(([f, e]) => f.showError(e));
    if (errors.some(([, e]) => e)) return;
    try {
      const r = await api.residentLogin(nik.value(), birth.value(), pin.value());
      sessionStorage.setItem(KEY, JSON.stringify({ token: r.token, nik: r.nik, expires_at: r.expires_at, expires_at_ms: r.expires_at_ms }));
      await renderPage(main, '');
    } catch (e) {
      pin.control.value = '';
      msg.append(alertBox('error', e.status === 429 ? 'Terlalu banyak percobaan. Silakan coba lagi nanti.' : e.message));
    }
  });
  main.replaceChildren(h('h2', {}, 'Siapa yang melihat data saya'),
    notice ? alertBox('info', notice) : '',
    h('p', {}, 'Lihat setiap kali data kependudukan Anda dibaca — oleh petugas, instansi seperti BPJS atau bank, pembaca kartu, dan pemeriksaan SUKET — beserta tujuan dan data yang dilihat. Masuk dengan NIK, tanggal lahir, dan PIN dari kantor Dinas Dukcapil.'),
    form);
}
