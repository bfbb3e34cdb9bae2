// Standar pelayanan (public): requirements, steps, time, cost, complaint channel (UU 25/2009).
import { h, put } from '../dom.js';
import { api } from '../api.js';

const COMPLAINT_NAMES = { channel: 'Saluran', channels: 'Saluran pengaduan', phone: 'Telepon', email: 'Surel', web: 'Situs',
  url: 'Situs', address: 'Alamat', hours: 'Jam layanan', response_time: 'Waktu tanggapan', description: 'Keterangan' };

function complaintView(c) {
  if (!c || typeof c !== 'object') return c ? h('p', {}, String(c)) : null;
  return h('dl', { class: 'bio' }, Object.entries(c).filter(([k]) => k !== 'name').map(([k, v]) => [
    h('dt', {}, COMPLAINT_NAMES[k] || k),
    h('dd', {}, Array.isArray(v) ? h('ul', {}, v.map((x) => h('li', {}, typeof x === 'object' ? JSON.stringify(x) : String(x))))
      : (typeof v === 'object' ? JSON.stringify(v) : String(v)))]));
}

export async function renderStandards(main, { isCurrent }) {
  const s = await api.serviceStandards();
  if (!isCurrent()) return;
  put(main, 
    h('h2', {}, 'Standar Pelayanan Administrasi Kependudukan'),
    h('p', {}, `Sesuai ${s.law || 'UU 25/2009 tentang Pelayanan Publik'}: persyaratan, prosedur, waktu, biaya, dan pengaduan.`),
    ...(s.services || []).map((sv) => h('section', { class: 'card', 'aria-labelledby': `sv-${sv.id}` },
      h('h3', { id: `sv-${sv.id}` }, sv.name),
      h('h4', {}, 'Persyaratan'), h('ul', {}, (sv.requirements || []).map((r) => h('li', {}, r))),
      h('h4', {}, 'Prosedur'), h('ol', {}, (sv.steps || []).map((r) => h('li', {}, r))),
      h('dl', { class: 'bio' },
        h('dt', {}, 'Waktu penyelesaian'), h('dd', {}, sv.time || '—'),
        h('dt', {}, 'Biaya'), h('dd', { class: 'biaya' }, sv.cost || '—')))),
    h('section', { class: 'card', 'aria-labelledby': 'aduan-h' }, h('h3', { id: 'aduan-h' }, 'Pengaduan'), s.complaint?.name ? h('p', {}, s.complaint.name) : null, complaintView(s.complaint)),
  );
}
