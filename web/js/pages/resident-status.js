// Status KTP-el (public): a resident follows their own enrollment (direkam, terkirim,
// verifikasi, siap cetak …) with the NIK and the receipt number printed at the enrollment,
// without an account. The answer holds the status and its dates only, and while the card waits
// to be printed, its estimated ready date (or why there is none yet).
import { h, put, alertBox, waktu } from '../dom.js';
import { api } from '../api.js';
import { nikField, textField } from '../widgets.js';
import { readyText } from '../labels.js';

const RECEIPT = /^[2-9A-HJKMNP-Z]{10}$/;

function statusView(r) {
  return h('div', {},
    h('p', {}, 'Status saat ini: ',
      h('span', { class: `badge enrollment-status status-${r.status}`, dataset: { status: r.status } }, r.label)),
    r.ready ? h('p', { class: 'ready-date', dataset: { ready: r.ready.status } }, readyText(r.ready)) : null,
    h('ol', { class: 'timeline' }, (r.timeline || []).map((t) => h('li', { dataset: { status: t.status } },
      h('span', { class: `badge enrollment-status status-${t.status}` }, t.label), ' ', h('time', {}, waktu(t.at_ms))))),
    r.status === 'ke_kantor'
      ? alertBox('error', 'Perekaman Anda memerlukan pemeriksaan lanjutan. Silakan hubungi Dinas Dukcapil dengan membawa bukti perekaman.')
      : null);
}

export function renderResidentStatus(main) {
  const nik = nikField('NIK');
  const receipt = textField('Nomor tanda terima', {
    maxlength: 14,
    help: 'Tertulis pada bukti perekaman KTP-el, contoh 7KQ4-M9XD-2P.',
    check: (v) => (RECEIPT.test(v.toUpperCase().replace(/[-\s]/g, '')) ? null : 'Nomor tanda terima terdiri dari 10 huruf/angka, contoh 7KQ4-M9XD-2P.'),
  });
  const result = h('div', { class: 'resident-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true },
    nik.el, receipt.el, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Lihat status')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = [[nik, nik.validate()], [receipt, receipt.validate()]];
    errors.forEach(([f, e]) => f.showError(e));
    if (errors.some(([, e]) => e)) return;
    result.replaceChildren(h('p', { class: 'muted' }, 'Memuat…'));
    try {
      const r = await api.publicEnrollmentStatus(nik.value(), receipt.value());
      result.replaceChildren(statusView(r));
    } catch (e) {
      result.replaceChildren(alertBox('error', e.status === 404
        ? 'Tidak ada perekaman dengan NIK dan nomor tanda terima tersebut.'
        : e.status === 429
          ? 'Terlalu banyak percobaan. Silakan coba lagi nanti.'
          : `Status tidak dapat dimuat: ${e.message}`));
    }
  });
  put(main, h('h2', {}, 'Status KTP-el'),
    h('p', {}, 'Masukkan NIK dan nomor tanda terima dari bukti perekaman untuk melihat tahap perekaman dan pencetakan KTP-el Anda.'),
    form, result);
}
