// Indonesian labels for the API's vocabularies (docs/api.md).

export const RELIGION = { islam: 'Islam', kristen: 'Kristen', katolik: 'Katolik', hindu: 'Hindu', buddha: 'Buddha', khonghucu: 'Khonghucu', kepercayaan: 'Kepercayaan' };
export const MARITAL = { belum_kawin: 'Belum Kawin', kawin: 'Kawin', cerai_hidup: 'Cerai Hidup', cerai_mati: 'Cerai Mati' };
export const RELATION = {
  kepala_keluarga: 'Kepala Keluarga', suami: 'Suami', istri: 'Istri', anak: 'Anak', menantu: 'Menantu', cucu: 'Cucu',
  orang_tua: 'Orang Tua', mertua: 'Mertua', famili_lain: 'Famili Lain', lainnya: 'Lainnya',
};
export const EDUCATION = {
  tidak_sekolah: 'Tidak/Belum Sekolah', belum_tamat_sd: 'Belum Tamat SD/Sederajat', sd: 'Tamat SD/Sederajat', smp: 'SLTP/Sederajat',
  sma: 'SLTA/Sederajat', d1: 'Diploma I/II', d3: 'Akademi/Diploma III/Sarjana Muda', s1: 'Diploma IV/Strata I', s2: 'Strata II', s3: 'Strata III',
};
export const BLOOD = { A: 'A', B: 'B', AB: 'AB', O: 'O', '-': 'Tidak tahu (-)' };
export const CITIZENSHIP = { WNI: 'WNI', WNA: 'WNA' };
export const SEX = { M: 'Laki-laki', F: 'Perempuan' };
export const DOCUMENT = {
  surat_keterangan_lahir: 'Surat Keterangan Lahir', akta_kelahiran: 'Akta Kelahiran', surat_nikah: 'Surat/Buku Nikah',
  akta_perceraian: 'Akta Perceraian', surat_kematian: 'Surat Keterangan Kematian', surat_pindah: 'Surat Keterangan Pindah',
  kartu_keluarga: 'Kartu Keluarga', lainnya: 'Lainnya',
};
export const EVENT = {
  birth: 'Kelahiran', new_family: 'Keluarga Baru', 'new-family': 'Keluarga Baru', marriage: 'Perkawinan', divorce: 'Perceraian',
  death: 'Kematian', move: 'Pindah', family_split: 'Pecah KK', 'family-split': 'Pecah KK', correction: 'Pembetulan Biodata', correction_requested: 'Permohonan Pembetulan', correction_approved: 'Pembetulan Disetujui', correction_rejected: 'Pembetulan Ditolak',
  registration: 'Pendaftaran', enrollment: 'Perekaman', card_printed: 'Pencetakan KTP-el',
};
export const CORRECTION_FIELD = {
  name: 'Nama', birth_place: 'Tempat Lahir', occupation: 'Pekerjaan', religion: 'Agama', education: 'Pendidikan', blood_type: 'Golongan Darah',
};
export const LEVEL = { province: 'Provinsi', regency: 'Kabupaten/Kota', district: 'Kecamatan', village: 'Desa/Kelurahan' };

/** Label for a vocabulary value; unknown values are shown as they came. */
export function label(vocab, value) {
  if (value === undefined || value === null || value === '') return '—';
  return Object.prototype.hasOwnProperty.call(vocab, value) ? vocab[value] : String(value);
}

export const yaTidak = (b) => (b ? 'Ya' : 'Tidak');

/** Enrollment statuses of the resident's timeline. */
export const ENROLLMENT_STATUS = {
  direkam: 'Direkam', terkirim: 'Terkirim ke pusat', dedup: 'Pemeriksaan data ganda', siap_cetak: 'Siap cetak',
  adjudikasi: 'Adjudikasi (diperiksa petugas)', duplikat: 'Duplikat (ditolak: data ganda)', dicetak: 'Dicetak', diambil: 'Diambil',
};

const READY_NONE = {
  no_stock_no_delivery: 'Belum ada tanggal: blanko KTP-el sedang habis dan belum ada kiriman yang dijadwalkan. Tanggal akan muncul begitu kiriman blanko diumumkan.',
  no_history: 'Belum ada tanggal: kantor ini belum cukup lama mencetak untuk memperkirakan dengan jujur.',
  beyond_horizon: 'Belum ada tanggal: antrean terlalu panjang untuk diperkirakan saat ini.',
};
const longDate = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
};
/** The ready date of a waiting card, as a sentence the resident reads. */
export function readyText(ready) {
  if (!ready) return '';
  if (ready.status !== 'date') return READY_NONE[ready.reason] || 'Belum ada tanggal perkiraan.';
  return ready.p10 === ready.p90
    ? `Perkiraan kartu selesai dicetak: ${longDate(ready.p50)}.`
    : `Perkiraan kartu selesai dicetak: antara ${longDate(ready.p10)} dan ${longDate(ready.p90)} (paling mungkin sekitar ${longDate(ready.p50)}).`;
}
/** The interval in short form, for tables. */
export function readyShort(ready) {
  if (!ready) return '—';
  if (ready.status !== 'date') return 'Belum ada tanggal';
  return ready.p10 === ready.p90 ? longDate(ready.p50) : `${longDate(ready.p10)} – ${longDate(ready.p90)}`;
}

/** The 27 profile fields an agency agreement may cover (agency/profile_fields.h), and the family grant. */
export const PROFILE_FIELD = {
  nik: 'NIK', kk_number: 'Nomor KK', name: 'Nama', birth_place: 'Tempat lahir', birth_date: 'Tanggal lahir',
  sex: 'Jenis kelamin', blood_type: 'Golongan darah', religion: 'Agama', marital_status: 'Status perkawinan',
  family_relation: 'Hubungan dalam keluarga', education: 'Pendidikan', occupation: 'Pekerjaan',
  father_name: 'Nama ayah', mother_name: 'Nama ibu', citizenship: 'Kewarganegaraan', street: 'Alamat', rt: 'RT',
  rw: 'RW', village_code: 'Kode desa/kelurahan', village: 'Desa/kelurahan', district: 'Kecamatan',
  regency: 'Kabupaten/kota', province: 'Provinsi', alive: 'Status hidup', death_date: 'Tanggal meninggal',
  biometrics_recorded: 'Status perekaman', card_status: 'Status KTP-el', family: 'Anggota keluarga (KK)',
};

/** Staff roles as a resident reads them. */
export const ROLE = {
  operator: 'Petugas', supervisor: 'Supervisor', adjudicator: 'Adjudikator', admin: 'Administrator',
};

/** The kinds of reads a resident is shown (resident/read_kinds.h). */
export const READ_KIND = {
  officer_view: 'Dilihat petugas', agency_verify: 'Verifikasi oleh instansi', agency_retrieve: 'Pengambilan data oleh instansi',
  card_read: 'Pembacaan kartu/cip KTP-el', suket_check: 'Pemeriksaan SUKET', bulk_match: 'Pemadanan data massal', other: 'Lainnya',
};

/** What an audited action touched, where its record names no fields. */
export const READ_ACTION = {
  read_person: 'Biodata', read_history: 'Riwayat peristiwa', read_family: 'Kartu keluarga',
  read_enrollment_status: 'Status perekaman KTP-el', read_correction: 'Permohonan pembetulan biodata',
  read_enrollment_photo: 'Foto perekaman', read_enrollment_finger: 'Sidik jari perekaman',
  read_adjudication_case: 'Pemeriksaan data ganda', read_card_desk: 'Permohonan dan pengambilan KTP-el',
  read_card_face: 'Tampilan muka KTP-el', read_print_queue: 'Antrean cetak KTP-el', read_uncollected_cards: 'Daftar KTP-el belum diambil',
  read_suket: 'SUKET', read_sukets: 'Daftar SUKET', 'chip.verify': 'Data pada cip KTP-el',
  'sync.pull_person': 'Salinan data ke stasiun perekaman', 'resident_pin.issue': 'PIN warga diterbitkan',
  read_resident_report: 'Laporan Anda dibaca administrator', 'resident_report.resolve': 'Laporan Anda diselesaikan',
  public_status_miss: 'Cek status KTP-el yang gagal', 'card.print': 'KTP-el dicetak', 'card.collect': 'KTP-el diambil',
  'suket.issue': 'SUKET diterbitkan', 'enrollment.record': 'Perekaman KTP-el', 'correction.request': 'Permohonan pembetulan biodata',
};

// Bulk matching (pemadanan): a job's state and a row's result (docs/api.md, Bulk matching).
export const BULK_STATE = { uploading: 'Mengunggah', queued: 'Menunggu giliran', running: 'Diproses', done: 'Selesai', failed: 'Gagal' };
export const BULK_RESULT = {
  match: 'Cocok semua', match_fields_differ: 'Ada elemen berbeda', nik_not_found: 'NIK tidak ditemukan',
  found_by_demographics: 'Ditemukan lewat data demografi', not_found: 'Tidak ditemukan', deceased: 'Meninggal dunia',
  duplicate_in_file: 'Ganda dalam berkas', invalid_row: 'Baris tidak sah',
};
export const BULK_COLUMN = {
  row_id: 'ID baris', nik: 'NIK', name: 'Nama', birth_date: 'Tanggal lahir', birth_place: 'Tempat lahir', sex: 'Jenis kelamin',
  mother_name: 'Nama ibu', address: 'Alamat', village_code: 'Kode desa/kelurahan',
};
