// The civil-event forms of docs/api.md: fields, request body and what a success shows.
import { h } from '../dom.js';
import { textField, nikField, dateField, selectField, nikListField, addressField, optionalGroup, documentField, membersField } from '../widgets.js';
import { SEX, RELIGION, BLOOD, EDUCATION } from '../labels.js';

const kkLink = (r) => (r.kk_number ? ['Nomor KK: ', h('a', { href: `#/kk/${r.kk_number}` }, r.kk_number)] : null);

export const FORMS = {
  kelahiran: {
    title: 'Kelahiran', endpoint: 'birth', station: true, help: 'Anak masuk ke kartu keluarga ibunya.',
    fields: (q) => ({
      name: textField('Nama anak'),
      birth_place: textField('Tempat lahir'),
      birth_date: dateField('Tanggal lahir'),
      sex: selectField('Jenis kelamin', SEX),
      mother_nik: nikField('NIK ibu', { value: q.get('mother_nik') }),
      father_nik: nikField('NIK ayah', { required: false, value: q.get('father_nik') }),
      religion: selectField('Agama', RELIGION, { required: false }),
      blood_type: selectField('Golongan darah', BLOOD, { required: false }),
      documents: documentField('surat_keterangan_lahir'),
    }),
    success: (r) => ['Kelahiran tercatat. NIK anak: ', h('a', { href: `#/orang/${r.nik}`, class: 'nik-baru' }, r.nik), '. ', kkLink(r)],
  },
  'keluarga-baru': {
    title: 'Keluarga Baru', endpoint: 'new-family',
    fields: (q) => ({
      head_nik: nikField('NIK kepala keluarga', { value: q.get('head_nik') }),
      members: membersField(),
      address: addressField('Alamat keluarga baru'),
      documents: documentField('surat_nikah'),
    }),
    success: (r) => ['Kartu keluarga baru diterbitkan. ', kkLink(r)],
  },
  perkawinan: {
    title: 'Perkawinan', endpoint: 'marriage', station: true,
    // A station cannot issue the couple's new card (its number comes from central): no such option there.
    fields: (q, { station } = {}) => ({
      husband_nik: nikField('NIK suami', { value: q.get('husband_nik') }),
      wife_nik: nikField('NIK istri', { value: q.get('wife_nik') }),
      date: dateField('Tanggal perkawinan'),
      ...(station ? {} : { new_family: optionalGroup('Buat kartu keluarga baru untuk pasangan ini', wrapAddress(addressField('Alamat kartu keluarga baru'))) }),
      documents: documentField('surat_nikah'),
    }),
    success: (r) => ['Perkawinan tercatat. ', kkLink(r)],
  },
  perceraian: {
    title: 'Perceraian', endpoint: 'divorce', station: true,
    fields: (q) => ({
      husband_nik: nikField('NIK suami', { value: q.get('husband_nik') }),
      wife_nik: nikField('NIK istri', { value: q.get('wife_nik') }),
      date: dateField('Tanggal perceraian'),
      documents: documentField('akta_perceraian'),
    }),
    success: () => ['Perceraian tercatat.'],
  },
  kematian: {
    title: 'Kematian', endpoint: 'death', station: true,
    fields: (q) => ({
      nik: nikField('NIK yang meninggal', { value: q.get('nik') }),
      date: dateField('Tanggal kematian'),
      place: textField('Tempat kematian'),
      documents: documentField('surat_kematian'),
    }),
    success: () => ['Kematian tercatat.'],
  },
  // Only at a station: a family from another kecamatan moves in. The persons are not in the
  // station's working copy; central moves them and they come down with the next pull.
  'pindah-datang': {
    title: 'Pindah Datang', moveIn: true, station: true, stationOnly: true,
    help: 'Keluarga dari kecamatan lain pindah ke kecamatan ini. Nomor KK baru diambil dari jatah stasiun; '
      + 'penduduk dipindahkan setelah pusat mengonfirmasi.',
    fields: (q) => ({
      niks: nikListField('NIK yang pindah datang', { value: q.get('niks') || '' }),
      date: dateField('Tanggal pindah'),
      to: addressField('Alamat tujuan di kecamatan ini'),
      documents: documentField('surat_pindah'),
    }),
    success: (r) => [`Pindah datang tercatat. Nomor KK baru: ${r.kk_number}. `
      + 'Penduduk dipindahkan setelah pusat mengonfirmasi, lalu tampil di stasiun ini.'],
  },
  pindah: {
    title: 'Pindah', endpoint: 'move', help: 'NIK tidak berubah. Satu keluarga utuh pindah bersama kartunya; sebagian anggota mendapat KK baru.',
    fields: (q) => ({
      niks: nikListField('NIK yang pindah', { value: q.get('niks') || '' }),
      date: dateField('Tanggal pindah'),
      to: addressField('Alamat tujuan'),
      documents: documentField('surat_pindah'),
    }),
    success: (r) => ['Kepindahan tercatat. ', kkLink(r)],
  },
  'pecah-kk': {
    title: 'Pecah KK', endpoint: 'family-split',
    fields: (q) => ({
      niks: nikListField('NIK anggota yang keluar dari KK', { value: q.get('niks') || '' }),
      head_nik: nikField('NIK kepala keluarga baru', { value: q.get('head_nik') }),
      date: dateField('Tanggal pecah KK'),
      address: optionalGroup('Alamat berbeda dari KK lama', addressField('Alamat KK baru')),
      documents: documentField('kartu_keluarga'),
    }),
    success: (r) => ['Pecah KK tercatat. ', kkLink(r)],
  },
  pembetulan: {
    title: 'Pembetulan Biodata', endpoint: null, help: 'Pembetulan menunggu persetujuan supervisor. Isi hanya data yang dibetulkan.',
    fields: (q) => ({
      nik: nikField('NIK', { value: q.get('nik') }),
      fields: correctionFields(),
      reason: textField('Alasan pembetulan', { multiline: true, maxlength: 1000 }),
    }),
    success: (r) => [`Permohonan pembetulan nomor ${r.correction_id} tersimpan dengan status menunggu persetujuan.`],
  },
};

function wrapAddress(addr) {
  return { ...addr, value: () => ({ address: addr.value() }) };
}

function correctionFields() {
  const parts = {
    name: textField('Nama baru', { required: false }),
    birth_place: textField('Tempat lahir baru', { required: false }),
    occupation: textField('Pekerjaan baru', { required: false }),
    religion: selectField('Agama baru', RELIGION, { required: false }),
    education: selectField('Pendidikan baru', EDUCATION, { required: false }),
    blood_type: selectField('Golongan darah baru', BLOOD, { required: false }),
  };
  const err = h('div', { class: 'field-error', role: 'alert' });
  err.hidden = true;
  const el = h('fieldset', {}, h('legend', {}, 'Data yang dibetulkan'), Object.values(parts).map((p) => p.el), err);
  const value = () => Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, p.value()]).filter(([, v]) => v));
  return {
    el, value,
    validate: () => (Object.keys(value()).length === 0 ? 'Isi paling sedikit satu data yang dibetulkan.' : null),
    showError(m) { err.textContent = m || ''; err.hidden = !m; },
  };
}
