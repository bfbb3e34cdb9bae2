// Perekaman KTP-el at a station: find the resident by NIK in the station's working copy, confirm
// the biodata against the family card (optional corrections), photo, signature, ten fingers,
// irises, review, save (POST /station/enrollments). One enrollment_id per logical submission, kept
// while the outcome is unknown, so a retry can never create a second record.
import { h, put, table, tanggal, alertBox, uid } from '../dom.js';
import { api, NetworkError } from '../api.js';
import { go } from '../router.js';
import { label, RELATION, SEX, RELIGION, EDUCATION, BLOOD, MARITAL, CORRECTION_FIELD } from '../labels.js';
import { nikField, textField, selectField } from '../widgets.js';
import { addressText } from './person.js';
import { photoCapture } from '../capture/photo.js';
import { signaturePad } from '../capture/signature.js';
import { fingerCapture, irisCapture } from '../capture/fingers.js';
import { newId } from '../capture/files.js';

export const MODALITY = { fingerprint: 'Sidik jari', face: 'Wajah', iris: 'Iris', assisted: 'Verifikasi dibantu petugas' };

export async function renderEnrollment(main, { params, isCurrent }) {
  const nik = nikField('NIK penduduk', { value: params.nik || '' });
  const findMsg = h('div', { 'aria-live': 'polite' });
  const find = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'cari-rekam-h' },
    h('h3', { id: 'cari-rekam-h' }, '1. Cari penduduk'), nik.el, findMsg,
    h('button', { type: 'submit' }, 'Cari penduduk'));
  const work = h('div', {});
  const strip = h('p', { class: 'station-strip muted', 'aria-live': 'polite' });
  put(main, h('h2', {}, 'Perekaman KTP-el'), strip, find, work);
  stationStrip(strip);

  find.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    findMsg.replaceChildren();
    work.replaceChildren();
    const e = nik.validate();
    nik.showError(e);
    if (e) return;
    let p;
    try {
      p = await api.person(nik.value());
    } catch (err) {
      if (err.status === 401) return;
      findMsg.append(alertBox('error', err.status === 404
        ? `NIK ${nik.value()} tidak ada dalam data kecamatan stasiun ini.` : err.message));
      return;
    }
    if (!isCurrent()) return;
    const ktp = p.wajib_ktp || {};
    if (p.alive === false) {
      findMsg.append(h('div', { class: 'alert error not-eligible', role: 'alert' },
        `${p.name} tercatat meninggal dunia (${tanggal(p.death_date)}); tidak dapat direkam.`));
      return;
    }
    if (ktp.required === false) {
      findMsg.append(h('div', { class: 'alert error not-eligible', role: 'alert' },
        h('strong', {}, `${p.name} bukan wajib KTP`), ktp.reason ? `: ${ktp.reason}` : '.'));
      return;
    }
    work.append(enrollmentForm(p));
    work.querySelector('h3').scrollIntoView({ block: 'start' });
  });
  if (params.nik) find.requestSubmit();
}

async function stationStrip(strip) {
  try {
    const s = await api.stationStatus();
    const online = s.link && s.link.online;
    strip.replaceChildren(`Stasiun ${s.station_id} (kecamatan ${s.district_code}) · `,
      h('span', { class: `badge ${online ? 'ya' : 'tidak'}` }, online ? 'Daring' : 'Luring'),
      ` · ${s.outbox.pending} menunggu kirim · `, h('a', { href: '#/antrean' }, 'Lihat antrean kirim'));
  } catch { /* the strip is informative only */ }
}

function biodataSection(p) {
  const a = p.address || {};
  const members = h('div', {}, h('p', { class: 'muted' }, 'Memuat kartu keluarga…'));
  const agree = h('input', { type: 'checkbox', id: uid('cb') });
  const agreeError = h('div', { class: 'field-error', role: 'alert', hidden: true });
  const fields = {
    name: textField(CORRECTION_FIELD.name, { required: false, value: p.name, maxlength: 200 }),
    birth_place: textField(CORRECTION_FIELD.birth_place, { required: false, value: p.birth_place, maxlength: 100 }),
    occupation: textField(CORRECTION_FIELD.occupation, { required: false, value: p.occupation, maxlength: 100 }),
    religion: selectField(CORRECTION_FIELD.religion, RELIGION, { required: false, value: p.religion }),
    education: selectField(CORRECTION_FIELD.education, EDUCATION, { required: false, value: p.education }),
    blood_type: selectField(CORRECTION_FIELD.blood_type, BLOOD, { required: false, value: p.blood_type }),
  };
  const original = { name: p.name, birth_place: p.birth_place, occupation: p.occupation, religion: p.religion,
    education: p.education, blood_type: p.blood_type };
  const fix = h('input', { type: 'checkbox', id: uid('cb') });
  const fixBox = h('fieldset', {}, h('legend', {}, 'Perbaikan biodata (diajukan ke pusat, disetujui supervisor)'),
    Object.values(fields).map((f) => f.el));
  fixBox.hidden = true;
  fix.addEventListener('change', () => { fixBox.hidden = !fix.checked; });

  const el = h('section', { class: 'card', 'aria-labelledby': 'biodata-rekam-h' },
    h('h3', { id: 'biodata-rekam-h' }, `2. Biodata: ${p.name}`),
    h('dl', { class: 'bio' }, [
      ['NIK', p.nik], ['Nama', p.name], ['Tempat/Tgl lahir', `${p.birth_place || '—'}, ${tanggal(p.birth_date)}`],
      ['Jenis kelamin', label(SEX, p.sex)], ['Agama', label(RELIGION, p.religion)],
      ['Status perkawinan', label(MARITAL, p.marital_status)], ['Pekerjaan', p.occupation || '—'],
      ['Pendidikan', label(EDUCATION, p.education)], ['Golongan darah', label(BLOOD, p.blood_type)],
      ['Alamat', addressText(a)], ['Nomor KK', p.kk_number || '—'], ['Hubungan dalam keluarga', label(RELATION, p.relation)],
      ['Wajib KTP', `Ya${p.wajib_ktp && p.wajib_ktp.reason ? ` — ${p.wajib_ktp.reason}` : ''}`],
    ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    p.enrolled ? alertBox('info', 'Penduduk ini sudah pernah direkam. Perekaman ulang akan diperiksa terhadap data sebelumnya.') : null,
    h('h4', {}, 'Anggota keluarga menurut Kartu Keluarga'), members,
    h('div', { class: 'check' }, agree, ' ', h('label', { for: agree.id }, 'Biodata sudah dicocokkan dengan Kartu Keluarga dan dokumen penduduk')),
    agreeError,
    h('div', { class: 'check' }, fix, ' ', h('label', { for: fix.id }, 'Ada biodata yang perlu diperbaiki')),
    fixBox);

  if (p.kk_number) {
    api.family(p.kk_number).then((f) => {
      members.replaceChildren(table([
        { label: 'NIK', value: (m) => m.nik },
        { label: 'Nama', value: (m) => (m.nik === p.nik ? h('strong', {}, m.name) : m.name) },
        { label: 'Hubungan', value: (m) => label(RELATION, m.relation) },
        { label: 'Jenis kelamin', value: (m) => label(SEX, m.sex) },
        { label: 'Tanggal lahir', value: (m) => tanggal(m.birth_date) },
      ], f.members || [], { caption: `Kartu Keluarga ${f.kk_number}` }));
    }).catch((e) => members.replaceChildren(alertBox('error', `Kartu keluarga tidak dapat dimuat: ${e.message}`)));
  } else {
    members.replaceChildren(h('p', {}, 'Penduduk ini tidak tercatat dalam kartu keluarga.'));
  }

  return {
    el,
    validate() {
      const msg = agree.checked ? null : 'Cocokkan biodata dengan Kartu Keluarga lalu centang konfirmasinya.';
      agreeError.textContent = msg || '';
      agreeError.hidden = !msg;
      return msg;
    },
    /** Only the fields the operator changed. */
    changes() {
      if (!fix.checked) return {};
      const out = {};
      for (const [k, f] of Object.entries(fields)) {
        const v = f.value();
        if (v && v !== (original[k] || '')) out[k] = v;
      }
      return out;
    },
  };
}

function enrollmentForm(p) {
  const biodata = biodataSection(p);
  const photo = photoCapture();
  const signature = signaturePad();
  const fingers = fingerCapture();
  const irises = irisCapture();
  const review = h('div', { 'aria-live': 'polite' });
  const reviewButton = h('button', { type: 'button', class: 'secondary' }, 'Tinjau data perekaman');
  const save = h('button', { type: 'button', hidden: true }, 'Simpan perekaman');
  const outcome = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const capture = h('fieldset', { class: 'plain' }, biodata.el, photo.el, signature.el, fingers.el, irises.el);
  const el = h('div', {}, capture,
    h('section', { class: 'card', 'aria-labelledby': 'tinjau-h' },
      h('h3', { id: 'tinjau-h' }, '7. Tinjau dan simpan'), review, h('div', {}, reviewButton, save), outcome));

  // The id of this logical submission: kept while the server's answer is unknown.
  let enrollmentId = null;
  let tries = 0;

  function problems() {
    return [biodata.validate(), photo.validate(), signature.validate(), ...fingers.problems(), ...irises.problems()].filter(Boolean);
  }

  reviewButton.addEventListener('click', () => {
    outcome.replaceChildren();
    const list = problems();
    save.hidden = list.length > 0;
    if (list.length) {
      review.replaceChildren(h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, 'Belum lengkap:'),
        h('ul', {}, list.map((m) => h('li', {}, m)))));
      return;
    }
    const changes = biodata.changes();
    review.replaceChildren(h('dl', { class: 'bio review' }, [
      ['NIK', p.nik], ['Nama', p.name],
      ['Perbaikan biodata', Object.keys(changes).length
        ? Object.entries(changes).map(([k, v]) => `${label(CORRECTION_FIELD, k)}: ${v}`).join('; ') : 'Tidak ada'],
      ['Foto wajah', photo.summary()], ['Tanda tangan', signature.summary()],
      ['Sidik jari', h('ul', { class: 'plain-list' }, fingers.summary().map((t) => h('li', {}, t)))],
      ['Iris', h('ul', { class: 'plain-list' }, irises.summary().map((t) => h('li', {}, t)))],
    ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    save.focus();
  });

  save.addEventListener('click', async () => {
    const list = problems();
    if (list.length) { reviewButton.click(); return; }
    enrollmentId = enrollmentId || newId();
    tries += 1;
    const body = { enrollment_id: enrollmentId, nik: p.nik, photo: photo.value(), signature: signature.value(),
      fingers: fingers.value(), irises: irises.value() };
    const changes = biodata.changes();
    if (Object.keys(changes).length) body.biodata_changes = changes;
    save.disabled = true; reviewButton.disabled = true;
    outcome.replaceChildren(h('p', { class: 'muted' }, 'Menyimpan perekaman…'));
    try {
      const r = await api.enroll(body);
      done(r, false);
    } catch (e) {
      if (e instanceof NetworkError) {
        outcome.replaceChildren(alertBox('error', `${e.message} Tekan Simpan perekaman lagi; perekaman ${enrollmentId} tidak akan tersimpan dua kali.`));
      } else if (e.status === 409 && tries > 1 && /already exists/.test(e.message)) {
        // The first try was saved but its answer was lost: the record is there, once.
        done({ enrollment_id: enrollmentId, nik: p.nik, status: 'direkam', modalities: [] }, true);
        return;
      } else {
        enrollmentId = null; tries = 0;
        if (e.status === 401) return;
        outcome.replaceChildren(h('div', { class: 'alert error server-error', role: 'alert' },
          h('strong', {}, e.status === 409 ? 'Perekaman dihentikan: ' : 'Ditolak stasiun: '), e.message));
      }
    } finally {
      if (!capture.disabled) { save.disabled = false; reviewButton.disabled = false; }
    }
  });

  function done(r, replayed) {
    enrollmentId = null;
    capture.disabled = true;
    photo.stop();
    save.hidden = true; reviewButton.hidden = true;
    const next = h('button', { type: 'button', class: 'secondary' }, 'Rekam penduduk berikutnya');
    next.addEventListener('click', () => go('/perekaman'));
    outcome.replaceChildren(h('div', { class: 'alert success saved', role: 'status' },
      h('h4', {}, 'Tersimpan — direkam'),
      h('dl', { class: 'bio' }, [
        ['Nomor perekaman', h('code', { class: 'enrollment-id' }, r.enrollment_id)],
        ['Nomor tanda terima', r.receipt_number
          ? h('strong', { class: 'receipt-number' }, r.receipt_number)
          : 'sudah diberikan pada percobaan sebelumnya'],
        ['NIK', r.nik || p.nik],
        ['Modalitas', r.modalities && r.modalities.length ? r.modalities.map((m) => MODALITY[m] || m).join(', ') : '—'],
        ['Antrean kirim', r.outbox_seq ? `nomor ${r.outbox_seq} — dikirim ke pusat saat ada koneksi` : 'dikirim ke pusat saat ada koneksi'],
        ['Kualitas sidik jari', (r.fingers || []).map((f) => `${f.position}: ${f.quality}`).join(', ') || '—'],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      r.receipt_number
        ? h('p', {}, 'Tuliskan nomor tanda terima pada bukti perekaman dan serahkan kepada penduduk: nomor ini hanya ditampilkan sekali dan diperlukan untuk melihat status KTP-el.')
        : null,
      replayed ? h('p', {}, 'Perekaman ini sudah tersimpan pada percobaan sebelumnya; tidak disimpan dua kali.') : null),
    next);
    next.focus();
  }

  return el;
}
