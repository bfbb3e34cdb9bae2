// Cakupan perekaman: per-kecamatan enrollment coverage of a regency.
import { h, put, table, tanggal, waktu, alertBox } from '../dom.js';
import { api } from '../api.js';
import { regionPicker } from '../region-picker.js';
import { DEFAULT_REGENCY } from '../config.js';
import { go } from '../router.js';

const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('id-ID') : (n ?? '—'));
const pct = (n) => (typeof n === 'number' ? `${n.toLocaleString('id-ID', { maximumFractionDigits: 1 })}%` : (n ?? '—'));

function anomalyText(a) {
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object') return a.message || a.description || a.code || a.type || JSON.stringify(a);
  return String(a);
}

function anomalies(d) {
  const list = (d.anomalies || []).map(anomalyText);
  if (typeof d.sudah_rekam === 'number' && typeof d.wajib_ktp === 'number' && d.sudah_rekam > d.wajib_ktp
      && !list.some((t) => /rekam/i.test(t))) list.push('Sudah rekam melebihi wajib KTP');
  return list;
}

export async function renderCoverage(main, { params, isCurrent }) {
  const code = params.code || DEFAULT_REGENCY;
  const picker = regionPicker({ depth: 2, initial: code });
  const form = h('form', { class: 'card', 'aria-label': 'Pilih wilayah laporan' },
    h('h2', {}, 'Cakupan Perekaman KTP-el'), picker.el, h('button', { type: 'submit' }, 'Tampilkan'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (picker.value()) go(`/cakupan/${picker.value()}`);
    else out.replaceChildren(alertBox('error', 'Pilih kabupaten/kota terlebih dahulu.'));
  });
  const out = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Memuat cakupan…'));
  put(main, form, out);
  let c;
  try { c = await api.coverage(code); } catch (e) {
    if (isCurrent() && e.status !== 401) out.replaceChildren(alertBox('error', e.message));
    return;
  }
  if (!isCurrent()) return;
  const cols = [
    { label: 'Kode', value: (d) => d.code || '' },
    { label: 'Kecamatan', value: (d) => d.name },
    { label: 'Penduduk', num: true, value: (d) => fmt(d.persons) },
    { label: 'Wajib KTP', num: true, value: (d) => fmt(d.wajib_ktp) },
    { label: 'Sudah rekam', num: true, value: (d) => fmt(d.sudah_rekam) },
    { label: 'Belum rekam', num: true, value: (d) => fmt(d.belum_rekam) },
    { label: '% rekam', num: true, value: (d) => pct(d.persen_rekam) },
    { label: 'Sudah cetak', num: true, value: (d) => fmt(d.sudah_cetak) },
    { label: 'Anomali', value: (d) => { const a = anomalies(d); return a.length ? h('strong', {}, a.join('; ')) : '—'; } },
  ];
  const rows = [...c.districts];
  if (c.total) rows.push({ ...c.total, code: '', name: 'Jumlah', isTotal: true });
  const nAnom = c.districts.filter((d) => anomalies(d).length).length;
  out.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'cak-h' },
    h('h3', { id: 'cak-h' }, `${c.regency?.name || code} — ${c.districts.length} kecamatan`),
    h('p', { class: 'muted' }, `Data per ${/^\d{4}-\d{2}-\d{2}$/.test(c.as_of || '') ? tanggal(c.as_of) : waktu(c.as_of)}. ${nAnom ? `${nAnom} kecamatan dengan anomali (ditandai kuning).` : 'Tidak ada anomali.'}`),
    table(cols, rows, { rowClass: (d) => (d.isTotal ? 'total' : anomalies(d).length ? 'anomali' : null) })));
}
