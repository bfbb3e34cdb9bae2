// Halaman penduduk: biodata, wajib KTP, rekam/cetak status, family card, history, PDF, event shortcuts.
import { h, put, table, tanggal, waktu, alertBox } from '../dom.js';
import { api } from '../api.js';
import { label, RELIGION, MARITAL, RELATION, EDUCATION, BLOOD, CITIZENSHIP, SEX, EVENT, DOCUMENT, yaTidak } from '../labels.js';
import { hasRole } from '../session.js';
import { pdfButton } from './pdf.js';
import { isStation } from '../mode.js';
import { timelineView } from '../timeline.js';

export function addressText(a) {
  if (!a) return '—';
  const rtrw = (a.rt || a.rw) ? `RT ${a.rt || '-'} / RW ${a.rw || '-'}` : '';
  return [a.street, rtrw, a.village && `Desa/Kel. ${a.village}`, a.district && `Kec. ${a.district}`, a.regency, a.province]
    .filter(Boolean).join(', ');
}

function dl(pairs) {
  return h('dl', { class: 'bio' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

function documentsText(docs) {
  if (!Array.isArray(docs) || docs.length === 0) return '—';
  return docs.map((d) => `${label(DOCUMENT, d.type)} ${d.number || ''}`.trim()).join('; ');
}

export async function renderPerson(main, { params, isCurrent }) {
  const p = await api.person(params.nik);
  if (!isCurrent()) return;
  const a = p.address || {};
  const ktp = p.wajib_ktp || {};
  put(main, 
    h('h2', {}, `${p.name} `, h('span', { class: 'muted' }, `— NIK ${p.nik}`)),
    p.alive === false ? alertBox('info', `Penduduk ini telah meninggal dunia pada ${tanggal(p.death_date)}.`) : null,
    h('section', { class: 'card', 'aria-labelledby': 'biodata-h' },
      h('h3', { id: 'biodata-h' }, 'Biodata'),
      dl([
        ['NIK', p.nik],
        ['Nama', p.name],
        ['Tempat/Tgl lahir', `${p.birth_place || '—'}, ${tanggal(p.birth_date)}`],
        ['Umur', p.age !== undefined && p.age !== null ? `${p.age} tahun` : '—'],
        ['Jenis kelamin', label(SEX, p.sex)],
        ['Golongan darah', label(BLOOD, p.blood_type)],
        ['Agama', label(RELIGION, p.religion)],
        ['Status perkawinan', label(MARITAL, p.marital_status)],
        ['Pekerjaan', p.occupation || '—'],
        ['Pendidikan', label(EDUCATION, p.education)],
        ['Kewarganegaraan', label(CITIZENSHIP, p.citizenship)],
        ['Nama ayah', p.father_name || '—'],
        ['Nama ibu', p.mother_name || '—'],
        ['Alamat', a.street || '—'],
        ['RT/RW', `${a.rt || '—'} / ${a.rw || '—'}`],
        ['Desa/Kelurahan', a.village ? `${a.village} (${a.village_code})` : (a.village_code || '—')],
        ['Kecamatan', a.district ? `${a.district} (${a.district_code})` : (a.district_code || '—')],
        ['Kabupaten/Kota', a.regency ? `${a.regency} (${a.regency_code})` : (a.regency_code || '—')],
        ['Provinsi', a.province ? `${a.province} (${a.province_code})` : (a.province_code || '—')],
        ['Nomor KK', p.kk_number ? h('a', { href: `#/kk/${p.kk_number}` }, p.kk_number) : '—'],
        ['Hubungan dalam keluarga', label(RELATION, p.relation)],
        ['Status hidup', p.alive === false ? `Meninggal (${tanggal(p.death_date)})` : 'Hidup'],
        ['Berlaku hingga', p.citizenship === 'WNA' ? 'Sesuai izin tinggal' : 'Seumur hidup'],
      ])),
    h('section', { class: 'card', 'aria-labelledby': 'ktp-h' },
      h('h3', { id: 'ktp-h' }, 'Status KTP-el'),
      dl([
        ['Wajib KTP', [h('span', { class: `badge ${ktp.required ? 'ya' : 'tidak'}` }, yaTidak(ktp.required)), ktp.reason ? ` — ${ktp.reason}` : '']],
        ['Sudah rekam', h('span', { class: `badge ${p.enrolled ? 'ya' : 'tidak'}` }, p.enrolled ? 'Sudah rekam' : 'Belum rekam')],
        ['Sudah cetak', h('span', { class: `badge ${p.card_printed ? 'ya' : 'tidak'}` }, p.card_printed ? 'Sudah cetak' : 'Belum cetak')],
      ])),
    h('section', { class: 'card', 'aria-labelledby': 'aksi-h' },
      h('h3', { id: 'aksi-h' }, 'Dokumen dan peristiwa'),
      h('div', { class: 'actions' },
        pdfButton('Unduh biodata (PDF)', `/persons/${p.nik}/biodata.pdf`, `biodata-${p.nik}.pdf`),
        p.kk_number ? h('a', { class: 'button secondary', href: `#/kk/${p.kk_number}` }, 'Lihat kartu keluarga') : null),
      hasRole('operator', 'supervisor') && p.alive !== false ? (isStation() ? enrollButton(p) : eventButtons(p)) : null),
    !isStation() && hasRole('operator', 'supervisor') ? residentPinSection(p) : null,
    isStation() ? null : h('section', { class: 'card', 'aria-labelledby': 'rekam-status-h', id: 'status-rekam' },
      h('h3', { id: 'rekam-status-h' }, 'Status perekaman KTP-el'), h('p', { class: 'muted' }, 'Memuat status…')),
    h('section', { class: 'card', 'aria-labelledby': 'riwayat-h', id: 'riwayat' },
      h('h3', { id: 'riwayat-h' }, 'Riwayat'), h('p', { class: 'muted' }, 'Memuat riwayat…')),
  );
  loadHistory(p.nik, main.querySelector('#riwayat'));
  if (!isStation()) loadEnrollmentStatus(p.nik, main.querySelector('#status-rekam'));
}

// "Buat PIN warga": the PIN with which the resident sees who read their data (#/siapa-melihat),
// shown once; a new one replaces the old.
function residentPinSection(p) {
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'button' }, 'Buat PIN warga');
  button.addEventListener('click', async () => {
    button.disabled = true;
    out.replaceChildren();
    try {
      const r = await api.issueResidentPin(p.nik);
      out.append(h('div', { class: 'alert success pin-once', role: 'status' },
        h('p', {}, 'PIN warga: ', h('strong', { class: 'resident-pin' }, r.pin)),
        h('p', {}, 'Berikan PIN ini kepada penduduk bersama bukti perekaman. PIN hanya ditampilkan sekali dan tidak disimpan dalam bentuk yang dapat dibaca; '
          + `PIN sebelumnya tidak berlaku lagi. Setelah ${r.failures_max} kali salah, PIN terkunci sampai dibuatkan yang baru.`)));
    } catch (e) {
      if (e.status !== 401) out.append(alertBox('error', `PIN tidak dapat dibuat: ${e.message}`));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'pin-warga-h' },
    h('h3', { id: 'pin-warga-h' }, 'PIN warga'),
    h('p', {}, 'Dengan PIN ini penduduk masuk ke halaman "Siapa yang melihat data saya" dan melihat setiap pembacaan datanya.'),
    h('div', { class: 'actions' }, button), out);
}

function enrollButton(p) {
  if (!(p.wajib_ktp && p.wajib_ktp.required)) return null;
  return h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/perekaman/${p.nik}` }, 'Rekam KTP-el'));
}

/** The enrollment timeline: direkam → terkirim → dedup → siap cetak / adjudikasi / duplikat, with dates. */
async function loadEnrollmentStatus(nik, section) {
  const body = section.querySelector('p');
  try {
    const r = await api.enrollmentStatus(nik);
    const view = timelineView(r);
    body.replaceWith(view || h('p', {}, 'Belum ada perekaman KTP-el yang diterima pusat.'));
  } catch (e) {
    if (e.status !== 401) body.replaceWith(alertBox('error', `Status perekaman tidak dapat dimuat: ${e.message}`));
  }
}

function eventButtons(p) {
  const n = p.nik;
  const parent = p.sex === 'F' ? `mother_nik=${n}` : `father_nik=${n}`;
  const spouse = p.sex === 'F' ? `wife_nik=${n}` : `husband_nik=${n}`;
  const links = [
    ['Catat kelahiran anak', `kelahiran?${parent}`],
    ['Catat perkawinan', `perkawinan?${spouse}`],
    ['Catat perceraian', `perceraian?${spouse}`],
    ['Catat kematian', `kematian?nik=${n}`],
    ['Catat pindah', `pindah?niks=${n}`],
    ['Pecah KK', `pecah-kk?niks=${n}&head_nik=${n}`],
    ['Keluarga baru', `keluarga-baru?head_nik=${n}`],
    ['Ajukan pembetulan biodata', `pembetulan?nik=${n}`],
  ];
  return h('div', { class: 'actions', role: 'group', 'aria-label': 'Formulir peristiwa' },
    links.map(([text, href]) => h('a', { class: 'button', href: `#/peristiwa/${href}` }, text)));
}

async function loadHistory(nik, section) {
  const body = section.querySelector('p');
  try {
    const { events } = await api.history(nik);
    body.replaceWith(events.length === 0 ? h('p', {}, 'Belum ada peristiwa tercatat.') : table([
      { label: 'Tanggal', value: (e) => tanggal(e.occurred_on) },
      { label: 'Peristiwa', value: (e) => label(EVENT, e.type) },
      { label: 'Dicatat', value: (e) => waktu(e.recorded_at) },
      { label: 'Petugas', value: (e) => e.actor || '—' },
      { label: 'Dokumen', value: (e) => documentsText(e.documents) },
    ], events));
  } catch (e) {
    if (e.status !== 401) body.replaceWith(alertBox('error', `Riwayat tidak dapat dimuat: ${e.message}`));
  }
}
