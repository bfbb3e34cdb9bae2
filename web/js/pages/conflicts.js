// Konflik sinkronisasi (central; supervisor): biodata edited offline at a station while central
// changed the same person. Keep central's values, or turn the station's into a pending correction.
import { h, put, table, waktu, alertBox } from '../dom.js';
import { api } from '../api.js';
import { label, CORRECTION_FIELD, RELIGION, EDUCATION, BLOOD } from '../labels.js';

const VOCAB = { religion: RELIGION, education: EDUCATION, blood_type: BLOOD };
const valuesText = (values) => Object.entries(values || {})
  .map(([k, v]) => `${label(CORRECTION_FIELD, k)}: ${VOCAB[k] ? label(VOCAB[k], v) : v}`).join('; ') || '—';

export async function renderConflicts(main, { isCurrent }) {
  const msg = h('div', { 'aria-live': 'polite' });
  const list = h('div', {});
  put(main, h('h2', {}, 'Konflik Sinkronisasi'),
    h('p', {}, 'Perbaikan biodata dari stasiun yang bertabrakan dengan perubahan di pusat. Data pusat tidak pernah ditimpa; '
      + 'pilih data mana yang dipakai. Memilih data stasiun membuat permohonan pembetulan yang menunggu persetujuan.'),
    msg, list);

  async function reload() {
    const { conflicts } = await api.conflicts('open');
    if (!isCurrent()) return;
    list.replaceChildren(conflicts.length === 0 ? alertBox('info', 'Tidak ada konflik yang terbuka.')
      : h('section', { class: 'card' }, table([
        { label: 'Nomor', value: (c) => String(c.id) },
        { label: 'NIK', value: (c) => h('a', { href: `#/orang/${c.nik}` }, c.nik) },
        { label: 'Stasiun', value: (c) => c.station_id },
        { label: 'Usulan stasiun', value: (c) => `${valuesText(c.station_values)} (versi ${c.base_version})` },
        { label: 'Data pusat', value: (c) => `${valuesText(c.central_values)} (versi ${c.central_version})` },
        { label: 'Tercatat', value: (c) => waktu(c.created_at_ms) },
        { label: 'Keputusan', value: decisionCell },
      ], conflicts)));
  }

  function decisionCell(c) {
    const reason = h('input', { id: `alasan-konflik-${c.id}`, maxlength: 500 });
    const central = h('button', { type: 'button', class: 'secondary' }, 'Pakai data pusat');
    const station = h('button', { type: 'button' }, 'Pakai data stasiun');
    const decide = (keep) => async () => {
      if (!reason.value.trim()) { msg.replaceChildren(alertBox('error', `Konflik ${c.id}: alasan wajib diisi.`)); reason.focus(); return; }
      central.disabled = true; station.disabled = true;
      try {
        await api.resolveConflict(c.id, keep, reason.value.trim());
        await reload();
        msg.replaceChildren(alertBox('success', keep === 'central'
          ? `Konflik ${c.id}: data pusat dipakai.` : `Konflik ${c.id}: data stasiun diajukan sebagai pembetulan (menunggu persetujuan).`));
      } catch (e) {
        if (e.status === 401) return;
        msg.replaceChildren(h('div', { class: 'alert error server-error', role: 'alert' }, e.message));
        central.disabled = false; station.disabled = false;
      }
    };
    central.addEventListener('click', decide('central'));
    station.addEventListener('click', decide('station'));
    return h('div', {}, h('label', { for: reason.id }, `Alasan keputusan konflik ${c.id}`), reason, h('div', { class: 'actions' }, central, station));
  }

  await reload();
}
