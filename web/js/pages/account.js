// Akun Saya: the signed-in user's second factor (TOTP). Enrolling: confirm the password, scan the
// QR code (or type the secret) into an authenticator app, then confirm with its six-digit code.
// The secret is shown once; the server keeps it sealed and never shows it again.
import { h, put, alertBox } from '../dom.js';
import { api } from '../api.js';
import { getSession, setSession } from '../session.js';
import { go } from '../router.js';

export async function renderAccount(main) {
  const s = getSession();
  const msg = h('div', { 'aria-live': 'polite' });
  const state = await api.totpState();
  const heading = h('h2', {}, 'Akun Saya');
  const who = h('p', {}, `Nama pengguna: ${s.username} — peran: ${s.role}`);
  if (state.enrolled) {
    put(main, heading, who, msg,
      alertBox('success', 'Autentikator terpasang: setiap kali masuk, Anda memasukkan kode 6 angka dari aplikasi.'),
      h('p', {}, 'Ponsel hilang atau diganti? Minta administrator mengatur ulang autentikator Anda, lalu pasang kembali di sini.'));
    return;
  }
  if (state.second_factor_pending) {
    msg.append(alertBox('info', 'Peran Anda wajib masuk dengan autentikator (kode 6 angka). Pasang sekarang; sebelum itu halaman lain belum dapat dibuka.'));
  } else if (!state.required) {
    msg.append(alertBox('info', 'Autentikator tidak wajib untuk peran Anda, tetapi membuat akun lebih aman.'));
  }
  const pass = h('input', { id: 'totp-pass', type: 'password', autocomplete: 'current-password', required: true });
  const start = h('button', { type: 'submit' }, 'Mulai pasang autentikator');
  const startForm = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'totp-title' },
    h('h3', { id: 'totp-title' }, 'Autentikator (kode 6 angka)'),
    h('p', {}, 'Pasang aplikasi autentikator di ponsel (misalnya Google Authenticator, FreeOTP atau Aegis). Untuk memulai, masukkan kata sandi Anda.'),
    h('label', { for: 'totp-pass' }, 'Kata sandi'), pass,
    h('div', {}, start));
  const step2 = h('div');
  startForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    if (!pass.value) { msg.append(alertBox('error', 'Kata sandi wajib diisi.')); pass.focus(); return; }
    start.disabled = true;
    try {
      const e = await api.beginTotp(pass.value);
      pass.value = '';
      step2.replaceChildren(confirmForm(e, msg));
      step2.querySelector('input').focus();
    } catch (err) {
      msg.append(alertBox('error', err.message));
      pass.focus();
    } finally {
      start.disabled = false;
    }
  });
  put(main, heading, who, msg, startForm, step2);
  pass.focus();
}

function confirmForm(enrolment, msg) {
  // An <img> of the server's SVG: drawn, never run.
  const qr = h('img', { src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(enrolment.qr_svg),
    alt: 'Kode QR untuk aplikasi autentikator', width: 240, height: 240, id: 'totp-qr' });
  const code = h('input', { id: 'totp-code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true });
  const submit = h('button', { type: 'submit' }, 'Konfirmasi');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'totp-scan-title' },
    h('h3', { id: 'totp-scan-title' }, 'Pindai kode QR'),
    h('p', {}, 'Pindai kode QR ini dengan aplikasi autentikator. Tanpa kamera, ketik kunci rahasia di bawah ini (jenis: berbasis waktu).'),
    qr,
    h('p', {}, 'Kunci rahasia: ', h('code', { id: 'totp-secret' }, enrolment.secret.replace(/(.{4})/g, '$1 ').trim())),
    h('p', { class: 'help' }, 'Kunci ini hanya ditampilkan sekali. Jangan dibagikan.'),
    h('label', { for: 'totp-code' }, 'Kode 6 angka dari aplikasi'), code,
    h('div', {}, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    const value = code.value.trim();
    if (!/^[0-9]{6}$/.test(value)) { msg.append(alertBox('error', 'Kode autentikator terdiri dari 6 angka.')); code.focus(); return; }
    submit.disabled = true;
    try {
      await api.confirmTotp(value);
      const s = getSession();
      setSession({ ...s, second_factor_pending: false });
      go('/');
    } catch (err) {
      msg.append(alertBox('error', err.message));
      code.value = '';
      code.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
