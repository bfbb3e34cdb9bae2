// Masuk: username + password (+ the authenticator's six-digit code when the account has one)
// → token in sessionStorage. A role that must have a second factor and has none yet goes to
// "Akun Saya" to enrol one; until then it can do nothing else. At a station, an operator without a
// station password yet activates their account first (operator-activation.js).
import { h, put, alertBox } from '../dom.js';
import { api } from '../api.js';
import { setSession } from '../session.js';
import { go } from '../router.js';
import { isStation } from '../mode.js';
import { activationForm } from './operator-activation.js';

export async function renderLogin(main, { notice }) {
  const msg = h('div', { 'aria-live': 'polite' });
  if (notice) msg.append(alertBox(notice.kind, notice.text));
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const code = h('input', {
    id: 'login-totp', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}',
    maxlength: 6, 'aria-describedby': 'login-totp-help',
  });
  const codeRow = h('div', { hidden: true },
    h('label', { for: 'login-totp' }, 'Kode autentikator'), code,
    h('p', { id: 'login-totp-help', class: 'help' }, 'Kode 6 angka dari aplikasi autentikator di ponsel Anda (berganti tiap 30 detik).'));
  const submit = h('button', { type: 'submit' }, 'Masuk');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Masuk'),
    msg,
    h('label', { for: 'login-user' }, 'Nama pengguna'), user,
    h('label', { for: 'login-pass' }, 'Kata sandi'), pass,
    codeRow,
    h('div', {}, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    if (!user.value.trim() || !pass.value) {
      msg.append(alertBox('error', 'Nama pengguna dan kata sandi wajib diisi.'));
      return;
    }
    const totp = code.value.trim();
    if (!codeRow.hidden && !/^[0-9]{6}$/.test(totp)) {
      msg.append(alertBox('error', 'Kode autentikator terdiri dari 6 angka.'));
      code.focus();
      return;
    }
    submit.disabled = true;
    try {
      const r = await api.login(user.value.trim(), pass.value, codeRow.hidden ? '' : totp);
      const pending = r.second_factor === 'enrolment_required';
      setSession({ token: r.token, role: r.role, username: r.username, expires_at: r.expires_at, second_factor_pending: pending });
      const next = sessionStorage.getItem('ektp.after-login');
      sessionStorage.removeItem('ektp.after-login');
      if (pending) { go('/akun'); return; }
      go(next && !next.startsWith('#/masuk') ? next.slice(1) : '/');
    } catch (e) {
      if (e.reason === 'totp_required' || e.reason === 'totp_wrong') {
        // The password was right: keep it, ask for (another) code.
        codeRow.hidden = false;
        code.value = '';
        msg.append(alertBox(e.reason === 'totp_required' ? 'info' : 'error', e.message));
        code.focus();
        return;
      }
      const text = e.status === 401 ? 'Nama pengguna atau kata sandi salah.'
        : e.status === 429 ? 'Terlalu banyak percobaan masuk. Tunggu sebentar lalu coba lagi.'
          : e.message;
      msg.append(alertBox('error', text));
      pass.value = '';
      pass.focus();
    } finally {
      submit.disabled = false;
    }
  });
  const activation = isStation() ? activationForm({
    onActivated: (username) => {
      msg.replaceChildren(alertBox('success', `Akun ${username} aktif di stasiun ini. Silakan masuk dengan kata sandi baru Anda.`));
      user.value = username;
      pass.value = '';
      pass.focus();
    },
  }) : null;
  put(main, form, activation, h('p', {}, h('a', { href: '#/standar-pelayanan' }, 'Lihat standar pelayanan (tanpa masuk)')));
  user.focus();
}
