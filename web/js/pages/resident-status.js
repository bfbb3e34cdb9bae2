// Status KTP-el (public): a resident follows their own enrollment — direkam, terkirim, dedup,
// siap cetak / adjudikasi / duplikat — with NIK and date of birth, without an account.
import { h, put, alertBox } from '../dom.js';
import { api } from '../api.js';
import { nikField, dateField } from '../widgets.js';
import { timelineView } from '../timeline.js';

export function renderResidentStatus(main) {
  const nik = nikField('NIK');
  const birth = dateField('Tanggal lahir');
  const result = h('div', { class: 'resident-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true },
    nik.el, birth.el, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Lihat status')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = [[nik, nik.validate()], [birth, birth.validate()]];
    errors.forEach(([f, e]) => f.showError(e));
    if (errors.some(([, e]) => e)) return;
    result.replaceChildren(h('p', { class: 'muted' }, 'Memuat…'));
    try {
      const r = await api.publicEnrollmentStatus(nik.value(), birth.value());
      result.replaceChildren(timelineView(r) || h('p', {}, 'Belum ada perekaman KTP-el yang diterima Dinas Dukcapil.'));
    } catch (e) {
      result.replaceChildren(alertBox('error', e.status === 404
        ? 'Tidak ada penduduk dengan NIK dan tanggal lahir tersebut.'
        : `Status tidak dapat dimuat: ${e.message}`));
    }
  });
  put(main, h('h2', {}, 'Status KTP-el'),
    h('p', {}, 'Masukkan NIK dan tanggal lahir untuk melihat tahap perekaman dan pencetakan KTP-el Anda.'),
    form, result);
}
