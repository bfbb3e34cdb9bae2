// The resident's enrollment timeline (direkam → terkirim → dedup → siap cetak / adjudikasi /
// duplikat) as shown on the person page and on the public status page.
import { h, waktu, alertBox } from './dom.js';
import { ENROLLMENT_STATUS } from './labels.js';

export const statusBadge = (status, text) => h('span', { class: `badge enrollment-status status-${status}`, dataset: { status } },
  ENROLLMENT_STATUS[status] || text || status);

/** `r` is the answer of an enrollment-status route; null when nothing has reached central yet. */
export function timelineView(r) {
  const steps = r.timeline || [];
  if (steps.length === 0) return null;
  const current = r.current || {};
  return h('div', {},
    h('p', {}, 'Status saat ini: ', statusBadge(current.status, current.label),
      current.enrollment_id ? h('span', { class: 'muted' }, ` — perekaman ${current.enrollment_id}`) : ''),
    h('ol', { class: 'timeline' }, steps.map((t) => h('li', { dataset: { status: t.status } },
      statusBadge(t.status, t.label), ' ', h('time', {}, waktu(t.at_ms)),
      t.detail ? h('div', { class: 'muted' }, t.detail) : null))),
    current.status === 'duplikat'
      ? alertBox('error', 'Perekaman ini ditolak karena sidik jarinya sama dengan penduduk lain. Penduduk diminta menghubungi Dinas Dukcapil.')
      : null);
}
