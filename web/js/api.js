// API client for /api/v1 (docs/api.md). Every call sends the bearer token; a 401 ends the session.
// A resident's calls send their own token instead (`Authorization: Resident …`).
import { getSession, clearSession } from './session.js';

export const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message, reason = '', params = {}) {
    super(message); this.status = status; this.code = code; this.reason = reason; this.params = params;
  }
}
/** The request never got an answer (offline, server down): the same idempotency key may be retried. */
export class NetworkError extends Error {}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

const enc = encodeURIComponent;

// The stable reasons of the API's refusals (docs/api.md), said in Indonesian.
const REASONS = {
  separation_of_duties: 'Pemisahan tugas: administrator tidak memutus kasus adjudikasi, dan satu orang tidak memegang akun administrator sekaligus adjudikator.',
  person_identity_required: 'Akun ini belum mencatat NIK pemiliknya; administrator mencatatnya dan administrator lain menyetujuinya.',
  account_pending_approval: 'Akun Anda menunggu persetujuan administrator lain.',
  same_person: 'Aturan dua orang: keputusan harus dikonfirmasi oleh orang lain (NIK berbeda).',
  own_case: 'Kasus ini menyangkut NIK Anda sendiri; adjudikator lain yang memutusnya.',
  approver_is_creator: 'Akun ini Anda buat (atau perannya Anda ajukan); administrator lain yang menyetujuinya.',
  approver_is_subject: 'Seseorang tidak menyetujui atau mengubah identitas akunnya sendiri.',
  not_pending_approval: 'Akun ini tidak sedang menunggu persetujuan.',
  totp_required: 'Masukkan kode 6 angka dari aplikasi autentikator Anda.',
  totp_wrong: 'Kode autentikator salah, kedaluwarsa, atau sudah dipakai. Tunggu kode berikutnya lalu coba lagi.',
  enrolment_code_wrong: 'Kode aktivasi salah, kedaluwarsa, atau sudah dipakai. Minta kode baru kepada admin atau supervisor.',
  not_station_operator: 'Pengguna ini bukan operator aktif stasiun tersebut.',
  central_unreachable: 'Server pusat tidak dapat dihubungi untuk memeriksa kode aktivasi. Coba lagi saat jaringan tersambung.',
  totp_already_enrolled: 'Akun ini sudah memakai autentikator. Jika ponsel hilang, minta administrator mengatur ulang.',
  totp_not_started: 'Pemasangan autentikator belum dimulai; mulai lagi dari awal.',
  totp_unavailable: 'Server ini tidak menyimpan kunci autentikator; hubungi administrator.',
  totp_enrolment_required: 'Peran Anda wajib masuk dengan autentikator (kode 6 angka). Pasang dahulu di halaman Akun Saya.',
  password_wrong: 'Kata sandi salah.',
  password_length: 'Kata sandi harus 12 sampai 128 karakter.',
  password_common: 'Kata sandi ini terlalu umum. Pilih frasa panjang milik Anda sendiri.',
  password_has_username: 'Kata sandi tidak boleh memuat nama pengguna.',
  blanko_already_received: 'Sebagian nomor blanko ini sudah tercatat diterima sebelumnya. Setiap nomor hanya diterima sekali.',
  blanko_not_on_hand: 'Blanko itu tidak ada di persediaan kantor ini (sudah dipakai, rusak, dipindahkan, atau dikembalikan).',
  blanko_never_received: 'Sebagian nomor blanko itu tidak pernah diterima di buku persediaan.',
  blanko_short: 'Persediaan blanko kantor ini tidak cukup untuk jumlah itu.',
  reason_required: 'Alasan wajib diisi.',
  no_blanko_on_hand: 'Tidak ada blanko di persediaan: kartu belum dapat dicetak sampai kiriman blanko tiba.',
  print_queue_empty: 'Tidak ada permohonan cetak yang menunggu.',
  already_in_print_queue: 'Penduduk ini sudah ada di antrean cetak.',
  allocation_request_open: 'Kantor ini masih punya permohonan alokasi yang belum diputus.',
  no_card_printed_yet: 'Penduduk ini belum pernah dicetak kartunya: kartu pertama berasal dari perekaman.',
  card_not_printed: 'Kartu ini belum dicetak, jadi belum dapat diserahkan.',
  card_already_collected: 'Kartu ini sudah diambil sebelumnya.',
  card_revoked: 'Kartu ini sudah dicabut (dilaporkan hilang atau rusak) dan tidak boleh diserahkan.',
  fingerprint_no_match: 'Sidik jari tidak cocok dengan hasil perekaman. Coba lagi dengan jari yang sama, bersihkan jari dan pemindai.',
  pickup_supervisor_required: 'Sudah empat kali sidik jari gagal, atau pemeriksaan dibantu: supervisor harus menangani penyerahan ini.',
  no_enrolled_finger: 'Jari itu tidak terekam saat perekaman. Pilih jari lain yang terekam.',
  live_image_unusable: 'Gambar dari pemindai bukan sidik jari yang dapat dibaca. Pindai ulang.',
  fingerprint_first: 'Penduduk ini punya sidik jari terekam: coba sidik jari dahulu sebelum pemeriksaan dibantu.',
  suket_card_collected: 'Penduduk ini sudah mengambil KTP-el: SUKET hanya untuk kartu yang belum dapat diserahkan.',
  suket_not_enrolled: 'Penduduk ini belum melakukan perekaman KTP-el: SUKET diterbitkan setelah perekaman.',
  office_already_prints: 'Kecamatan ini sudah mencetak KTP-el sendiri.',
  suket_deceased: 'Penduduk ini tercatat meninggal dunia.',
  chip_no_csca: 'Penerbit cip KTP-el belum disiapkan (belum ada sertifikat CSCA), jadi cip belum dapat diperiksa.',
  chip_no_revocation_list: 'Daftar pencabutan cip KTP-el belum pernah diterbitkan.',
  chip_revocation_list_invalid: 'Daftar pencabutan cip yang tersimpan di server pusat tidak sah menurut sertifikat CSCA; pemeriksaan tidak dilakukan. Hubungi administrator.',
  chip_verify_rate: 'Terlalu banyak pemeriksaan cip dalam waktu singkat. Tunggu sebentar lalu coba lagi.',
  chip_body_too_large: 'Data cip yang dikirim terlalu besar (paling banyak 256 KiB).',
  chip_body_invalid: 'Permintaan pemeriksaan cip tidak sesuai format.',
  chip_groups_required: 'Kirim sedikitnya satu data group (DG) yang dibaca dari cip.',
  chip_group_count: 'Paling banyak 16 data group dalam satu pemeriksaan.',
  chip_group_number: 'Nomor data group harus 1 sampai 16.',
  chip_group_base64: 'Isi data group bukan base64 yang sah atau kosong.',
  chip_group_too_large: 'Satu data group terlalu besar (paling banyak 32.767 bita).',
  chip_ef_sod_required: 'EF.SOD dari cip wajib dikirim.',
  chip_ef_sod_base64: 'Isi EF.SOD bukan base64 yang sah atau kosong.',
  chip_ef_sod_too_large: 'EF.SOD terlalu besar (paling banyak 16 KiB).',
  chip_serial_format: 'Nomor seri cip harus 16 digit heksadesimal huruf kecil.',
  agency_key_invalid: 'Kunci API instansi tidak dikenal, salah tulis, atau sudah dicabut.',
  agency_key_suspended: 'Kunci API instansi ini ditangguhkan oleh administrator. Hubungi Dukcapil.',
  agreement_not_in_force: 'Perjanjian kerja sama (PKS) instansi ini belum berlaku atau sudah berakhir.',
  agency_operation_not_agreed: 'Layanan ini tidak termasuk dalam perjanjian kerja sama instansi.',
  agency_purpose_not_agreed: 'Tujuan permintaan ini tidak tercantum dalam perjanjian kerja sama.',
  agency_field_not_agreed: 'Elemen data ini tidak termasuk dalam perjanjian kerja sama instansi.',
  agency_region_not_agreed: 'Penduduk ini tinggal di luar wilayah yang dicakup perjanjian kerja sama.',
  agency_quota_exceeded: 'Kuota harian instansi sudah habis; kuota dibuka lagi pukul 00.00 WIB.',
  nik_invalid: 'NIK tidak sah: periksa kembali angka-angkanya.',
  nik_unknown: 'Tidak ada penduduk dengan NIK ini.',
  already_married: 'Istri tercatat berstatus kawin; perkawinan baru tidak dapat dicatat.',
  court_permission_required: 'Suami tercatat berstatus kawin; lampirkan izin pengadilan (izin_pengadilan) untuk perkawinan berikutnya.',
  marriage_certificate_recorded: 'Nomor akta nikah ini sudah tercatat dengan data lain.',
  agency_exists: 'Kode instansi ini sudah dipakai.',
  agency_unknown: 'Instansi ini belum terdaftar.',
  agreement_exists: 'Nomor PKS ini sudah tercatat untuk instansi tersebut.',
  agency_keys_too_many: 'Instansi ini sudah memiliki lima kunci API aktif; cabut satu terlebih dahulu.',
  agency_key_revoked: 'Kunci API ini sudah dicabut.',
  webhook_url_not_https: 'Alamat penerima langganan harus diawali https://: data penduduk hanya dikirim lewat sambungan terenkripsi.',
  webhook_url_invalid: 'Alamat penerima langganan tidak sah: periksa nama host, port dan jalurnya (tanpa nama pengguna, kata sandi atau tanda #, paling panjang 512 karakter).',
  webhook_url_private: 'Alamat penerima langganan menunjuk ke jaringan lokal atau pribadi; gunakan alamat publik instansi.',
  webhook_host_unresolved: 'Nama host alamat penerima langganan tidak ditemukan di DNS.',
  webhook_event_types_invalid: 'Pilih satu sampai lima jenis peristiwa: kelahiran (birth), kematian (death), pindah (move), perkawinan (marriage), perceraian (divorce).',
  webhook_subscriptions_too_many: 'Instansi ini sudah memiliki lima langganan aktif; hapus satu terlebih dahulu.',
  webhook_subscription_unknown: 'Langganan ini tidak ditemukan atau sudah dihapus.',
  webhook_delivery_unknown: 'Pengiriman ini tidak ditemukan.',
  bulk_file_too_large: 'Berkas pemadanan melebihi batas ukuran yang diizinkan server.',
  bulk_file_already_submitted: 'Berkas yang sama persis sudah pernah dikirim; lihat hasil pemadanan sebelumnya.',
  bulk_file_empty: 'Berkas pemadanan kosong.',
  bulk_file_invalid: 'Berkas pemadanan tidak dapat dibaca; periksa kepala kolom dan pengodean berkas.',
  bulk_jobs_too_many: 'Terlalu banyak pemadanan yang sedang berjalan; tunggu sampai ada yang selesai.',
  bulk_job_not_found: 'Pekerjaan pemadanan tidak ditemukan.',
  bulk_job_state: 'Pekerjaan pemadanan ini tidak lagi menerima bagian berkas.',
  bulk_job_not_done: 'Hasil pemadanan baru tersedia setelah pekerjaan selesai.',
  bulk_job_interrupted: 'Pemadanan terhenti dan akan dilanjutkan dari titik terakhir yang tercatat.',
  bulk_upload_offset_mismatch: 'Bagian berkas yang dikirim tidak bersambung; kirim ulang mulai dari posisi yang diminta server.',
  bulk_piece_too_large: 'Satu bagian unggahan paling besar 8 MiB.',
  bulk_upload_over_size: 'Unggahan melebihi ukuran berkas yang dinyatakan di awal.',
  bulk_upload_digest_mismatch: 'Sidik SHA-256 berkas yang diterima tidak sama dengan yang dinyatakan; unggah ulang berkasnya.',
  bulk_matching_unavailable: 'Server ini tidak menjalankan pemadanan massal.',
  webhook_delivery_not_dead: 'Hanya pengiriman yang sudah gagal seluruhnya (daftar gagal kirim) yang dapat dikirim ulang.',
  webhook_subscription_deleted: 'Langganan pengiriman ini sudah dihapus, sehingga tidak dapat dikirim ulang.',
  webhook_key_unavailable: 'Server ini tidak menandatangani pengiriman peristiwa.',
  chip_personalisation_failed: 'Cip kartu gagal ditulis atau gagal diperiksa ulang. Blanko ini dicatat rusak dan permohonan kembali ke antrean; pasang blanko lain lalu cetak lagi.',
  resident_login_failed: 'NIK, tanggal lahir, atau PIN tidak cocok. Periksa kembali lalu coba lagi.',
  resident_pin_locked: 'PIN dikunci karena terlalu banyak percobaan yang salah. Minta PIN baru di kantor Dinas Dukcapil dengan membawa KTP-el atau bukti perekaman.',
  resident_session_invalid: 'Sesi Anda sudah berakhir. Silakan masuk lagi dengan NIK, tanggal lahir, dan PIN.',
  resident_read_not_yours: 'Catatan itu bukan pembacaan data Anda.',
  resident_read_reported: 'Pembacaan ini sudah Anda laporkan sebelumnya.',
  resident_report_unknown: 'Laporan itu tidak ditemukan.',
  resident_report_resolved: 'Laporan ini sudah diselesaikan sebelumnya.',
};
export const reasonText = (reason) => REASONS[reason] || '';

// `resident`: a resident's token (their own page); sent as `Authorization: Resident <token>`, and a
// 401 on it ends only the resident's session, never an officer's.
// `agency`: an agency's API key (the bulk-matching page), sent as `Authorization: ApiKey <key>`;
// `bytes`: a raw body (a piece of a file) instead of JSON.
async function send(method, path, { body, auth = true, raw = false, resident, agency, bytes } = {}) {
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  const session = getSession();
  if (resident) headers.Authorization = `Resident ${resident}`;
  else if (agency) headers.Authorization = `ApiKey ${agency}`;
  else if (auth && session) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bytes !== undefined) headers['Content-Type'] = 'application/octet-stream';
  let res;
  try {
    const payload = bytes !== undefined ? bytes : body === undefined ? undefined : JSON.stringify(body);
    res = await fetch(BASE + path, { method, headers, body: payload });
  } catch (e) {
    throw new NetworkError('Tidak dapat menghubungi server. Periksa koneksi lalu coba lagi.');
  }
  if (res.status === 401 && auth && !resident && !agency) {
    clearSession();
    onUnauthorized();
    throw new ApiError(401, 'unauthenticated', 'Sesi berakhir, silakan masuk kembali');
  }
  if (!res.ok) {
    let code = 'http_' + res.status; let message = `Server menjawab ${res.status}`; let reason = ''; let params = {};
    try {
      const j = await res.json();
      if (j && j.error) {
        code = j.error.code || code;
        reason = j.error.reason || '';
        params = j.error.params || {};
        message = REASONS[reason] || j.error.message || message;
      }
    } catch { /* not JSON */ }
    if (res.status >= 500) throw new NetworkError(`Kesalahan server (${res.status}): ${message}`);
    throw new ApiError(res.status, code, message, reason, params);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}

export const api = {
  health: () => send('GET', '/health', { auth: false }),
  login: (username, password, totp) =>
    send('POST', '/auth/login', { body: totp ? { username, password, totp } : { username, password }, auth: false }),
  totpState: () => send('GET', '/auth/totp'),
  beginTotp: (password) => send('POST', '/auth/totp', { body: { password } }),
  confirmTotp: (code) => send('POST', '/auth/totp/confirm', { body: { code } }),
  resetTotp: (username) => send('DELETE', `/users/${enc(username)}/totp`),
  logout: () => send('POST', '/auth/logout'),
  serviceStandards: () => send('GET', '/service-standards', { auth: false }),
  publicEnrollmentStatus: (nik, receiptNumber) =>
    send('POST', '/public/enrollment-status', { body: { nik, receipt_number: receiptNumber }, auth: false }),
  region: (code) => send('GET', `/regions/${enc(code)}`, { auth: false }),
  person: (nik) => send('GET', `/persons/${enc(nik)}`),
  searchByNik: (nik) => send('GET', `/persons?nik=${enc(nik)}`),
  searchByName: (name, birthDate) =>
    send('GET', `/persons?name=${enc(name)}` + (birthDate ? `&birth_date=${enc(birthDate)}` : '')),
  history: (nik) => send('GET', `/persons/${enc(nik)}/history`),
  family: (kk) => send('GET', `/families/${enc(kk)}`),
  coverage: (code) => send('GET', `/coverage/${enc(code)}`),
  event: (kind, body) => send('POST', `/events/${kind}`, { body }),
  requestCorrection: (body) => send('POST', '/corrections', { body }),
  /** A station's move-in (pindah datang): the KK number comes from the station's lease. */
  stationMoveIn: (body) => send('POST', '/station/moves', { body }),
  corrections: (status = 'pending') => send('GET', `/corrections?status=${enc(status)}`),
  decideCorrection: (id, decision, reason) =>
    send('POST', `/corrections/${enc(id)}/${decision}`, { body: reason ? { reason } : {} }),
  addUser: (username, password, role, nik, staffNumber) => send('POST', '/users', {
    body: { username, password, role, ...(nik ? { nik } : {}), ...(staffNumber ? { staff_number: staffNumber } : {}) },
  }),
  users: (approval) => send('GET', '/users' + (approval ? `?approval=${enc(approval)}` : '')),
  approveUser: (username) => send('POST', `/users/${enc(username)}/approve`, { body: {} }),
  auditVerify: () => send('GET', '/audit/verify'),
  /** Fetches a PDF with the token and returns a Blob. */
  pdf: async (path) => (await send('GET', path, { raw: true })).blob(),
  /** Fetches any file (an image) with the token and returns a Blob. */
  blob: async (path) => (await send('GET', path, { raw: true })).blob(),

  // Central: stations, enrollment status, adjudication, sync conflicts.
  stations: () => send('GET', '/stations'),
  // Card production (central): blanko stock and the print queue of an office.
  cardStock: (office) => send('GET', `/card/offices/${enc(office)}/stock`),
  cardStockMove: (office, kind, body) => send('POST', `/card/offices/${enc(office)}/stock/${kind}`, { body }),
  cardQueue: (office) => send('GET', `/card/offices/${enc(office)}/queue`),
  cardPrintNext: (office) => send('POST', `/card/offices/${enc(office)}/print-next`),
  cardDesk: (nik) => send('GET', `/card/persons/${enc(nik)}`),
  issueSuket: (nik) => send('POST', `/card/persons/${enc(nik)}/suket`),
  sukets: (nik) => send('GET', `/card/persons/${enc(nik)}/sukets`),
  cardAllocations: (office) => send('GET', `/card/offices/${enc(office)}/allocation-requests`),
  cardRequestAllocation: (office, body) => send('POST', `/card/offices/${enc(office)}/allocation-requests`, { body }),
  cardCloseAllocation: (id, fulfilled) => send('POST', `/card/allocation-requests/${enc(id)}/close`, { body: { fulfilled } }),
  cardReplacement: (body) => send('POST', '/card/replacements', { body }),
  cardRegisterPrinting: (office) => send('POST', `/card/offices/${enc(office)}/printing`),
  cardCancelDelivery: (office, id) => send('POST', `/card/offices/${enc(office)}/deliveries/${enc(id)}/cancel`),
  cardCollect: (id, body) => send('POST', `/card/requests/${enc(id)}/collect`, { body }),
  cardDeliveries: (office) => send('GET', `/card/offices/${enc(office)}/deliveries`),
  cardAnnounceDelivery: (office, body) => send('POST', `/card/offices/${enc(office)}/deliveries`, { body }),
  cardSpoilPrint: (id, reason) => send('POST', `/card/requests/${enc(id)}/spoil`, { body: { reason } }),
  registerStation: (body) => send('POST', '/stations', { body }),
  /** A one-time code with which `username` sets their own password at station `stationId`. */
  operatorActivationCode: (stationId, username) =>
    send('POST', `/stations/${enc(stationId)}/operators/${enc(username)}/activation-code`),
  enrollmentStatus: (nik) => send('GET', `/persons/${enc(nik)}/enrollment-status`),
  adjudicationCases: (status) => send('GET', '/adjudication/cases' + (status ? `?status=${enc(status)}` : '')),
  adjudicationCase: (id) => send('GET', `/adjudication/cases/${enc(id)}`),
  proposeDecision: (id, decision, reason) =>
    send('POST', `/adjudication/cases/${enc(id)}/propose`, { body: { decision, reason } }),
  confirmDecision: (id, agree, reason) =>
    send('POST', `/adjudication/cases/${enc(id)}/confirm`, { body: { agree, reason } }),
  conflicts: (status = 'open') => send('GET', `/sync/conflicts?status=${enc(status)}`),
  resolveConflict: (id, keep, reason) => send('POST', `/sync/conflicts/${enc(id)}/resolve`, { body: { keep, reason } }),

  // Station (`ektp station`).
  stationStatus: () => send('GET', '/station/status'),
  /** The operator sets their station password with the code from central (no session yet). */
  activateOperator: (username, code, password) =>
    send('POST', '/station/operators/activate', { body: { username, code, password }, auth: false }),
  stationOutbox: (pendingOnly = false) => send('GET', '/station/outbox' + (pendingOnly ? '?pending=1' : '')),
  checkPhoto: (data) => send('POST', '/station/photo/check', { body: { data } }),
  checkFinger: (position, image) => send('POST', '/station/fingerprints/check', { body: { position, image } }),
  enroll: (body) => send('POST', '/station/enrollments', { body }),

  // Residents see who looked: the PIN issued at the office, and the resident's own page.
  issueResidentPin: (nik) => send('POST', `/persons/${enc(nik)}/resident-pin`),
  residentReports: (status = 'open') => send('GET', `/admin/resident-reports?status=${enc(status)}`),
  resolveResidentReport: (id, resolution) =>
    send('POST', `/admin/resident-reports/${enc(id)}/resolve`, { body: { resolution } }),
  residentLogin: (nik, birthDate, pin) =>
    send('POST', '/resident/login', { body: { nik, birth_date: birthDate, pin }, auth: false }),
  residentLogout: (token) => send('POST', '/resident/logout', { auth: false, resident: token }),
  residentReads: (token, before) =>
    send('GET', '/resident/reads' + (before ? `?before=${enc(before)}` : ''), { auth: false, resident: token }),
  residentAgreements: (token) => send('GET', '/resident/agreements', { auth: false, resident: token }),
  // An agency's bulk matching (pemadanan), with its API key.
  bulkJobs: (key) => send('GET', '/agency/bulk-matches', { auth: false, agency: key }),
  bulkJob: (key, id) => send('GET', `/agency/bulk-matches/${enc(id)}`, { auth: false, agency: key }),
  createBulkJob: (key, body) => send('POST', '/agency/bulk-matches', { body, auth: false, agency: key }),
  uploadBulkPiece: (key, id, offset, bytes) =>
    send('PUT', `/agency/bulk-matches/${enc(id)}/file?offset=${offset}`, { bytes, auth: false, agency: key }),
  /** A piece of a done job's result: { bytes: ArrayBuffer, total }. */
  bulkResultPiece: async (key, id, offset, length) => {
    const res = await send('GET', `/agency/bulk-matches/${enc(id)}/result?offset=${offset}&length=${length}`,
      { auth: false, agency: key, raw: true });
    return { bytes: await res.arrayBuffer(), total: Number(res.headers.get('X-Ektp-Result-Bytes')) };
  },
  residentReport: (token, seq, note) =>
    send('POST', '/resident/reports', { body: note ? { seq, note } : { seq }, auth: false, resident: token }),
};

/** Saves a blob as a file via a temporary object URL. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url; a.download = filename; a.style.display = 'none';
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}
