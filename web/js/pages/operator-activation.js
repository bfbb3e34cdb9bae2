// Aktifkan akun (station only): an operator registered at central has no password at the station
// yet. With the one-time activation code an admin or the district's supervisor got from central,
// the operator sets their own station password here (POST /station/operators/activate); the
// password never leaves the station.
import { h, alertBox } from '../dom.js';
import { api } from '../api.js';

const CODE_CHARACTERS = 12; // XXXX-XXXX-XXXX, Crockford base32

/** The form, folded under a summary; `onActivated(username)` after success. */
export function activationForm({ onActivated }) {
  const msg = h('div', { 'aria-live': 'polite' });
  const user = h('input', { id: 'activate-user', name: 'username', autocomplete: 'username', maxlength: 64, required: true });
  const code = h('input', {
    id: 'activate-code', name: 'code', autocomplete: 'one-time-code', maxlength: 20, required: true,
    placeholder: 'XXXX-XXXX-XXXX', 'aria-describedby': 'activate-code-help', spellcheck: 'false',
  });
  const pass = h('input', { id: 'activate-pass', name: 'new-password', type: 'password', autocomplete: 'new-password', maxlength: 128, required: true,
    'aria-describedby': 'activate-pass-help' });
  const again = h('input', { id: 'activate-pass2', name: 'new-password-again', type: 'password', autocomplete: 'new-password', maxlength: 128, required: true });
  const submit = h('button', { type: 'submit' }, 'Aktifkan akun');
  const form = h('form', { novalidate: true, 'aria-labelledby': 'activate-title' },
    msg,
    h('label', { for: 'activate-user' }, 'Nama pengguna operator'), user,
    h('label', { for: 'activate-code' }, 'Kode aktivasi'), code,
    h('p', { id: 'activate-code-help', class: 'help' },
      'Kode 12 huruf/angka dari admin atau supervisor kecamatan (diminta di server pusat, halaman Stasiun). Berlaku 72 jam, sekali pakai, hanya di stasiun ini.'),
    h('label', { for: 'activate-pass' }, 'Kata sandi baru untuk stasiun ini'), pass,
    h('p', { id: 'activate-pass-help', class: 'help' }, 'Paling sedikit 12 karakter; boleh berupa frasa. Jangan memuat nama pengguna.'),
    h('label', { for: 'activate-pass2' }, 'Ulangi kata sandi baru'), again,
    h('div', {}, submit));
  const details = h('details', { class: 'card activation' },
    h('summary', { id: 'activate-title' }, 'Belum punya kata sandi di stasiun ini? Aktifkan akun'),
    form);

  const fail = (text, field) => {
    msg.replaceChildren(alertBox('error', text));
    if (field) field.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    const username = user.value.trim();
    const compact = code.value.replace(/[\s-]/g, '');
    if (!username) return fail('Nama pengguna wajib diisi.', user);
    if (!new RegExp(`^[0-9A-Za-z]{${CODE_CHARACTERS}}$`).test(compact)) {
      return fail('Kode aktivasi terdiri dari 12 huruf atau angka (contoh: 7KQ4-M9XD-2PAB).', code);
    }
    if ([...pass.value].length < 12) return fail('Kata sandi paling sedikit 12 karakter.', pass);
    if (pass.value !== again.value) return fail('Kedua kata sandi tidak sama.', again);
    if (pass.value.toLowerCase().includes(username.toLowerCase())) return fail('Kata sandi tidak boleh memuat nama pengguna.', pass);
    submit.disabled = true;
    try {
      await api.activateOperator(username, code.value.trim(), pass.value);
      code.value = ''; pass.value = ''; again.value = '';
      details.open = false;
      onActivated(username);
    } catch (e) {
      const text = e.status === 429 ? 'Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.'
        : e.status === 401 && !e.reason ? 'Nama pengguna atau kode aktivasi salah.'
          : e.message;
      fail(text, e.reason && e.reason.startsWith('password') ? pass : code);
    } finally {
      submit.disabled = false;
    }
  });
  return details;
}
