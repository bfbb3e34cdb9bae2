// Administrasi (admin): add a user, verify the audit chain.
import { h, put, alertBox } from '../dom.js';
import { api } from '../api.js';
import { textField, selectField } from '../widgets.js';

const ROLES = { operator: 'Operator (petugas)', supervisor: 'Supervisor', admin: 'Administrator' };

export function renderAdmin(main) {
  const username = textField('Nama pengguna baru', { maxlength: 64, check: (v) => (/^[A-Za-z0-9._-]+$/.test(v) ? null : 'Nama pengguna hanya huruf, angka, titik, garis bawah atau tanda hubung.') });
  const password = textField('Kata sandi awal', { maxlength: 128, check: (v) => (v.length >= 12 ? null : 'Kata sandi paling sedikit 12 karakter.') });
  password.control.type = 'password';
  password.control.autocomplete = 'new-password';
  const role = selectField('Peran', ROLES);
  const userMsg = h('div', { 'aria-live': 'polite' });
  const userForm = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'user-h' },
    h('h2', { id: 'user-h' }, 'Tambah Pengguna'), username.el, password.el, role.el, userMsg,
    h('button', { type: 'submit' }, 'Tambah pengguna'));
  userForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    userMsg.replaceChildren();
    let bad = false;
    for (const f of [username, password, role]) { const e = f.validate(); f.showError(e); bad = bad || !!e; }
    if (bad) return;
    try {
      const r = await api.addUser(username.value(), password.control.value, role.value());
      userMsg.append(alertBox('success', `Pengguna ${r.username} (${ROLES[r.role] || r.role}) ditambahkan.`));
      password.control.value = '';
    } catch (e) {
      if (e.status !== 401) userMsg.append(h('div', { class: 'alert error server-error', role: 'alert' }, e.message));
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
  put(main, userForm, h('section', { class: 'card', 'aria-labelledby': 'audit-h' },
    h('h2', { id: 'audit-h' }, 'Log Audit'),
    h('p', {}, 'Setiap pembacaan dan perubahan data pribadi dicatat dalam log berantai hash.'), check, auditMsg));
}
