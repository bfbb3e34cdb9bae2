// Cari penduduk: by NIK, or by name (+ birth date).
import { h, put, alertBox, table, tanggal } from '../dom.js';
import { api } from '../api.js';
import { label, RELATION, SEX } from '../labels.js';
import { validNik, dateNotFuture } from '../validate.js';

export function personColumns() {
  return [
    { label: 'NIK', value: (p) => h('a', { href: `#/orang/${p.nik}` }, p.nik) },
    { label: 'Nama', value: (p) => p.name },
    { label: 'Tanggal lahir', value: (p) => tanggal(p.birth_date) },
    { label: 'Jenis kelamin', value: (p) => label(SEX, p.sex) },
    { label: 'Hubungan', value: (p) => label(RELATION, p.relation) },
    { label: 'Alamat', value: (p) => [p.address?.village, p.address?.district].filter(Boolean).join(', ') || '—' },
  ];
}

export async function renderSearch(main, { query }) {
  const out = h('div', { 'aria-live': 'polite' });
  const nik = h('input', { id: 'cari-nik', inputmode: 'numeric', maxlength: 16, autocomplete: 'off', value: query.get('nik') || '' });
  const name = h('input', { id: 'cari-nama', autocomplete: 'off', value: query.get('nama') || '' });
  const birth = h('input', { id: 'cari-lahir', type: 'date', value: query.get('lahir') || '' });
  const byNik = h('form', { class: 'card', novalidate: true, 'aria-label': 'Cari berdasarkan NIK' },
    h('h2', {}, 'Cari Penduduk'),
    h('label', { for: 'cari-nik' }, 'NIK'), nik,
    h('div', {}, h('button', { type: 'submit' }, 'Cari NIK')));
  const byName = h('form', { class: 'card', novalidate: true, 'aria-label': 'Cari berdasarkan nama' },
    h('h3', {}, 'atau berdasarkan nama'),
    h('label', { for: 'cari-nama' }, 'Nama'), name,
    h('label', { for: 'cari-lahir' }, 'Tanggal lahir'), birth,
    h('p', { class: 'muted' }, 'Tanpa tanggal lahir, pencarian memakai awalan nama (paling banyak 100 hasil).'),
    h('div', {}, h('button', { type: 'submit' }, 'Cari Nama')));

  async function show(promise) {
    out.replaceChildren(h('p', { class: 'muted' }, 'Mencari…'));
    try {
      const { results } = await promise;
      out.replaceChildren(results.length === 0
        ? alertBox('info', 'Tidak ada penduduk yang cocok.')
        : h('section', { class: 'card', 'aria-label': 'Hasil pencarian' },
          h('h3', {}, `Hasil pencarian (${results.length})`), table(personColumns(), results)));
    } catch (e) {
      if (e.status === 404) out.replaceChildren(alertBox('info', 'Tidak ada penduduk yang cocok.'));
      else if (e.status !== 401) out.replaceChildren(alertBox('error', e.message));
    }
  }

  byNik.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = nik.value.trim();
    const err = validNik(v);
    if (err) { out.replaceChildren(alertBox('error', err)); nik.setAttribute('aria-invalid', 'true'); nik.focus(); return; }
    nik.removeAttribute('aria-invalid');
    history.replaceState(null, '', `#/cari?nik=${v}`);
    show(api.searchByNik(v));
  });
  byName.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = name.value.trim();
    if (!n) { out.replaceChildren(alertBox('error', 'Nama wajib diisi.')); name.focus(); return; }
    const err = birth.value ? dateNotFuture(birth.value) : null;
    if (err) { out.replaceChildren(alertBox('error', `Tanggal lahir: ${err}`)); birth.focus(); return; }
    history.replaceState(null, '', `#/cari?nama=${encodeURIComponent(n)}${birth.value ? '&lahir=' + birth.value : ''}`);
    show(api.searchByName(n, birth.value));
  });
  put(main, byNik, byName, out);
  if (query.get('nik')) show(api.searchByNik(query.get('nik')));
  else if (query.get('nama')) show(api.searchByName(query.get('nama'), query.get('lahir')));
  else nik.focus();
}
