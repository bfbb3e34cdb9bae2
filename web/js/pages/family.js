// Kartu keluarga: number, address, members, PDF.
import { h, put, table, tanggal } from '../dom.js';
import { api } from '../api.js';
import { label, RELATION, SEX } from '../labels.js';
import { addressText } from './person.js';
import { pdfButton } from './pdf.js';

export async function renderFamily(main, { params, isCurrent }) {
  const f = await api.family(params.kk);
  if (!isCurrent()) return;
  put(main, 
    h('h2', {}, `Kartu Keluarga ${f.kk_number}`),
    h('section', { class: 'card', 'aria-labelledby': 'kk-h' },
      h('h3', { id: 'kk-h' }, 'Data kartu keluarga'),
      h('dl', { class: 'bio' },
        h('dt', {}, 'Nomor KK'), h('dd', {}, f.kk_number),
        h('dt', {}, 'Kepala keluarga'), h('dd', {}, h('a', { href: `#/orang/${f.head_nik}` }, headName(f)), ` (NIK ${f.head_nik})`),
        h('dt', {}, 'Alamat'), h('dd', {}, addressText(f.address)),
        h('dt', {}, 'Tanggal dikeluarkan'), h('dd', {}, tanggal(f.issued_on)),
        h('dt', {}, 'Status'), h('dd', {}, f.active === false ? 'Tidak berlaku (sudah diganti)' : 'Berlaku')),
      h('div', { class: 'actions' }, pdfButton('Unduh kartu keluarga (PDF)', `/families/${f.kk_number}/kk.pdf`, `kk-${f.kk_number}.pdf`))),
    h('section', { class: 'card', 'aria-labelledby': 'anggota-h' },
      h('h3', { id: 'anggota-h' }, `Anggota keluarga (${f.members.length})`),
      table([
        { label: 'NIK', value: (p) => h('a', { href: `#/orang/${p.nik}` }, p.nik) },
        { label: 'Nama', value: (p) => (p.alive === false ? `${p.name} (meninggal)` : p.name) },
        { label: 'Hubungan', value: (p) => label(RELATION, p.relation) },
        { label: 'Jenis kelamin', value: (p) => label(SEX, p.sex) },
        { label: 'Tanggal lahir', value: (p) => tanggal(p.birth_date) },
      ], f.members, { rowClass: (p) => (p.alive === false ? 'muted' : null) })),
  );
}

function headName(f) {
  const head = (f.members || []).find((m) => m.nik === f.head_nik);
  return head ? head.name : f.head_nik;
}
