// Administrasi (admin): add a user (adjudicators and admins with their own NIK), approve accounts
// another admin created (the second admin of the two-person rule), reset a user's authenticator
// (a lost phone), resolve residents' reports of reads they do not recognise, verify the audit chain.
import { h, put, alertBox, table, waktu } from '../dom.js';
import { api } from '../api.js';
import { textField, selectField } from '../widgets.js';
import { validNik } from '../validate.js';
import { getSession } from '../session.js';

const ROLES = {
  operator: 'Operator (petugas)', supervisor: 'Supervisor', adjudicator: 'Adjudikator', admin: 'Administrator',
};
// Accounts that record their person and need a second admin's approval.
const PRIVILEGED = ['adjudicator', 'admin'];

export function renderAdmin(main) {
  const username = textField('Nama pengguna baru', { maxlength: 64, check: (v) => (/^[A-Za-z0-9._-]+$/.test(v) ? null : 'Nama pengguna hanya huruf, angka, titik, garis bawah atau tanda hubung.') });
  const password = textField('Kata sandi awal', { maxlength: 128, check: (v) => (v.length >= 12 ? null : 'Kata sandi paling sedikit 12 karakter.') });
  password.control.type = 'password';
  password.control.autocomplete = 'new-password';
  const role = selectField('Peran', ROLES);
  const nik = textField('NIK pemilik akun', {
    required: false, maxlength: 16,
    help: 'NIK orang yang memegang akun ini. Wajib untuk adjudikator dan administrator.',
    check: (v) => validNik(v, 'NIK pemilik akun'),
  });
  const staffNumber = textField('NIP', {
    required: false, maxlength: 32,
    check: (v) => (/^[A-Za-z0-9./-]+$/.test(v) ? null : 'NIP hanya huruf, angka, titik, garis miring atau tanda hubung.'),
  });
  const userMsg = h('div', { 'aria-live': 'polite' });
  const userForm = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'user-h' },
    h('h2', { id: 'user-h' }, 'Tambah Pengguna'), username.el, password.el, role.el, nik.el, staffNumber.el, userMsg,
    h('button', { type: 'submit' }, 'Tambah pengguna'));
  const pendingList = h('div', { 'aria-live': 'polite' });
  userForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    userMsg.replaceChildren();
    let bad = false;
    for (const f of [username, password, role, nik, staffNumber]) { const e = f.validate(); f.showError(e); bad = bad || !!e; }
    if (!bad && PRIVILEGED.includes(role.value()) && !nik.value()) {
      nik.showError('NIK pemilik akun wajib diisi untuk adjudikator dan administrator.');
      bad = true;
    }
    if (bad) return;
    try {
      const r = await api.addUser(username.value(), password.control.value, role.value(), nik.value(), staffNumber.value());
      const pending = r.approval === 'pending_approval';
      userMsg.append(alertBox('success', `Pengguna ${r.username} (${ROLES[r.role] || r.role}) ditambahkan.`
        + (pending ? ' Akun menunggu persetujuan administrator lain sebelum dapat bertindak.' : '')));
      password.control.value = '';
      if (pending) loadPending(pendingList);
    } catch (e) {
      if (e.status !== 401) userMsg.append(h('div', { class: 'alert error server-error', role: 'alert' }, e.message));
    }
  });

  const pendingCard = h('section', { class: 'card', 'aria-labelledby': 'pending-h' },
    h('h2', { id: 'pending-h' }, 'Menunggu Persetujuan'),
    h('p', {}, 'Akun adjudikator dan administrator baru aktif setelah disetujui administrator lain: '
      + 'bukan yang membuatnya dan bukan pemilik akun itu sendiri.'), pendingList);
  loadPending(pendingList);

  const resetUser = textField('Nama pengguna', { maxlength: 64, check: (v) => (/^[a-z0-9._-]{3,64}$/.test(v) ? null : 'Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.') });
  const resetMsg = h('div', { 'aria-live': 'polite' });
  const resetForm = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'totp-reset-h' },
    h('h2', { id: 'totp-reset-h' }, 'Atur Ulang Autentikator'),
    h('p', {}, 'Untuk pengguna yang kehilangan ponselnya: autentikatornya dihapus dan semua sesinya berakhir. '
      + 'Ia lalu masuk dengan kata sandi dan memasang autentikator baru.'),
    resetUser.el, resetMsg, h('button', { type: 'submit' }, 'Atur ulang autentikator'));
  resetForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    resetMsg.replaceChildren();
    const e = resetUser.validate();
    resetUser.showError(e);
    if (e) return;
    try {
      await api.resetTotp(resetUser.value());
      resetMsg.append(alertBox('success', `Autentikator ${resetUser.value()} diatur ulang; sesinya telah diakhiri.`));
    } catch (err) {
      if (err.status === 404) resetMsg.append(alertBox('error', `Pengguna ${resetUser.value()} tidak memakai autentikator.`));
      else if (err.status !== 401) resetMsg.append(h('div', { class: 'alert error server-error', role: 'alert' }, err.message));
    }
  });

  const auditMsg = h('div', { 'aria-live': 'polite' });
  const check = h('button', { type: 'button' }, 'Periksa rantai audit');
  check.addEventListener('click', async () => {
    auditMsg.replaceChildren(h('p', { class: 'muted' }, 'Memeriksa…'));
    try {
      const r = await api.auditVerify();
      auditMsg.replaceChildren(r.valid
        ? alertBox('success', r.checkpoint
          ? `Rantai audit utuh: ${r.head_seq} catatan; titik periksa bertanda tangan terakhir di catatan ${r.checkpoint.seq}.`
          : `Rantai audit utuh: ${r.head_seq} catatan.`)
        : alertBox('error', `Rantai audit RUSAK mulai catatan nomor ${r.broken_at}.`));
    } catch (e) {
      if (e.status !== 401) auditMsg.replaceChildren(alertBox('error', e.message));
    }
  });
  const reportList = h('div', { 'aria-live': 'polite' });
  const reportCard = h('section', { class: 'card', 'aria-labelledby': 'laporan-h' },
    h('h2', { id: 'laporan-h' }, 'Laporan Warga'),
    h('p', {}, 'Pembacaan data yang tidak dikenali penduduknya (dilaporkan dari halaman "Siapa yang melihat data saya"). '
      + 'Periksa siapa yang membaca dan mengapa, lalu tulis hasilnya.'), reportList);
  loadReports(reportList);
  put(main, userForm, pendingCard, resetForm, reportCard, h('section', { class: 'card', 'aria-labelledby': 'audit-h' },
    h('h2', { id: 'audit-h' }, 'Log Audit'),
    h('p', {}, 'Setiap pembacaan dan perubahan data pribadi dicatat dalam log berantai hash.'), check, auditMsg));
}

// The open reports of residents, each with a field for what the admin found.
async function loadReports(list, notice = '') {
  list.replaceChildren(h('p', { class: 'muted' }, 'Memuat…'));
  let reports;
  try {
    reports = (await api.residentReports('open')).reports;
  } catch (e) {
    if (e.status !== 401) list.replaceChildren(alertBox('error', e.message));
    return;
  }
  const msg = h('div', { 'aria-live': 'polite' }, notice ? alertBox('success', notice) : '');
  if (!reports.length) {
    list.replaceChildren(msg, h('p', { class: 'muted' }, 'Tidak ada laporan warga yang terbuka.'));
    return;
  }
  const resolveCell = (r) => {
    const text = h('textarea', { rows: 2, maxlength: 500, 'aria-label': `Hasil pemeriksaan laporan ${r.id}` });
    const b = h('button', { type: 'button' }, 'Selesaikan');
    b.addEventListener('click', async () => {
      msg.replaceChildren();
      if (!text.value.trim()) { msg.append(alertBox('error', 'Tulis hasil pemeriksaan terlebih dahulu.')); return; }
      b.disabled = true;
      try {
        await api.resolveResidentReport(r.id, text.value.trim());
        loadReports(list, `Laporan ${r.id} diselesaikan.`);
      } catch (e) {
        b.disabled = false;
        if (e.status !== 401) msg.append(h('div', { class: 'alert error server-error', role: 'alert' }, e.message));
      }
    });
    return h('div', {}, text, b);
  };
  list.replaceChildren(msg, table([
    { label: 'No.', value: (r) => String(r.id) },
    { label: 'NIK', value: (r) => r.nik },
    { label: 'Dilaporkan', value: (r) => waktu(r.created_at) },
    { label: 'Pembacaan', value: (r) => `${r.read.action} oleh ${r.read.actor}, ${waktu(r.read.at)}` },
    { label: 'Catatan warga', value: (r) => r.note || '—' },
    { label: 'Tindakan', value: resolveCell },
  ], reports, { caption: 'Laporan warga yang terbuka' }));
}

// The accounts that await a second admin, each with its approve button.
async function loadPending(list, notice = '') {
  list.replaceChildren(h('p', { class: 'muted' }, 'Memuat…'));
  let users;
  try {
    users = (await api.users('pending_approval')).users;
  } catch (e) {
    if (e.status !== 401) list.replaceChildren(alertBox('error', e.message));
    return;
  }
  const msg = h('div', { 'aria-live': 'polite' }, notice ? alertBox('success', notice) : '');
  if (!users.length) {
    list.replaceChildren(msg, h('p', { class: 'muted' }, 'Tidak ada akun yang menunggu persetujuan.'));
    return;
  }
  const me = getSession()?.username;
  const approveButton = (u) => {
    if (u.requested_by === me) return h('span', { class: 'muted' }, 'Dibuat oleh Anda: disetujui administrator lain');
    const b = h('button', { type: 'button', 'aria-label': `Setujui ${u.username}` }, 'Setujui');
    b.addEventListener('click', async () => {
      b.disabled = true;
      msg.replaceChildren();
      try {
        await api.approveUser(u.username);
        loadPending(list, `Akun ${u.username} disetujui.`);
      } catch (e) {
        b.disabled = false;
        if (e.status !== 401) msg.append(h('div', { class: 'alert error server-error', role: 'alert' }, e.message));
      }
    });
    return b;
  };
  list.replaceChildren(table([
    { label: 'Nama pengguna', value: (u) => u.username },
    { label: 'Peran', value: (u) => ROLES[u.role] || u.role },
    { label: 'NIK pemilik', value: (u) => u.nik || '—' },
    { label: 'NIP', value: (u) => u.staff_number || '—' },
    { label: 'Diajukan oleh', value: (u) => u.requested_by || 'konsol' },
    { label: 'Tindakan', value: approveButton },
  ], users, { caption: 'Akun menunggu persetujuan' }));
  list.prepend(msg);
}
