// Persetujuan pembetulan (supervisor): pending corrections, approve or reject.
import { h, put, table, alertBox } from '../dom.js';
import { api } from '../api.js';
import { label, CORRECTION_FIELD, RELIGION, EDUCATION, BLOOD } from '../labels.js';

const VOCAB = { religion: RELIGION, education: EDUCATION, blood_type: BLOOD };

function fieldsText(fields) {
  return Object.entries(fields || {}).map(([k, v]) => `${label(CORRECTION_FIELD, k)}: ${VOCAB[k] ? label(VOCAB[k], v) : v}`).join('; ');
}

export async function renderCorrections(main, { isCurrent }) {
  const msg = h('div', { 'aria-live': 'polite' });
  const list = h('div', {});
  put(main, h('h2', {}, 'Persetujuan Pembetulan Biodata'), msg, list);

  async function reload() {
    const { corrections } = await api.corrections('pending');
    if (!isCurrent()) return;
    list.replaceChildren(corrections.length === 0
      ? alertBox('info', 'Tidak ada permohonan pembetulan yang menunggu.')
      : h('section', { class: 'card' }, table([
        { label: 'Nomor', value: (c) => String(c.id) },
        { label: 'NIK', value: (c) => h('a', { href: `#/orang/${c.nik}` }, c.nik) },
        { label: 'Perubahan', value: (c) => fieldsText(c.fields) },
        { label: 'Alasan', value: (c) => c.reason },
        { label: 'Diajukan oleh', value: (c) => c.requested_by },
        { label: 'Keputusan', value: decisionCell },
      ], corrections)));
  }

  function decisionCell(c) {
    const reason = h('input', { id: `alasan-${c.id}`, maxlength: 500 });
    const approve = h('button', { type: 'button' }, 'Setujui');
    const reject = h('button', { type: 'button', class: 'danger' }, 'Tolak');
    const decide = (decision) => async () => {
      approve.disabled = true; reject.disabled = true;
      try {
        const r = await api.decideCorrection(c.id, decision, reason.value.trim());
        await reload();
        msg.replaceChildren(alertBox('success', `Permohonan ${c.id} untuk NIK ${c.nik}: ${r.status === 'approved' ? 'disetujui' : r.status === 'rejected' ? 'ditolak' : r.status}.`));
      } catch (e) {
        msg.replaceChildren(alertBox('error', e.message));
        approve.disabled = false; reject.disabled = false;
      }
    };
    approve.addEventListener('click', decide('approve'));
    reject.addEventListener('click', decide('reject'));
    return h('div', {}, h('label', { for: reason.id }, `Catatan keputusan ${c.id}`), reason, h('div', { class: 'actions' }, approve, reject));
  }

  await reload();
}
