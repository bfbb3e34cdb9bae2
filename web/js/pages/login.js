// Masuk: username + password → token in sessionStorage.
import { h, put, alertBox } from '../dom.js';
import { api } from '../api.js';
import { setSession } from '../session.js';
import { go } from '../router.js';

export async function renderLogin(main, { notice }) {
  const msg = h('div', { 'aria-live': 'polite' });
  if (notice) msg.append(alertBox(notice.kind, notice.text));
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Masuk');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Masuk'),
    msg,
    h('label', { for: 'login-user' }, 'Nama pengguna'), user,
    h('label', { for: 'login-pass' }, 'Kata sandi'), pass,
    h('div', {}, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    if (!user.value.trim() || !pass.value) {
      msg.append(alertBox('error', 'Nama pengguna dan kata sandi wajib diisi.'));
      return;
    }
    submit.disabled = true;
    try {
      const r = await api.login(user.value.trim(), pass.value);
      setSession({ token: r.token, role: r.role, username: r.username, expires_at: r.expires_at });
      const next = sessionStorage.getItem('ektp.after-login');
      sessionStorage.removeItem('ektp.after-login');
      go(next && !next.startsWith('#/masuk') ? next.slice(1) : '/');
    } catch (e) {
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
  put(main, form, h('p', {}, h('a', { href: '#/standar-pelayanan' }, 'Lihat standar pelayanan (tanpa masuk)')));
  user.focus();
}
