// Sepuluh sidik jari and both irises. Each finger slot takes an image file (scanner output: TIFF,
// BMP, PGM, PNG…), which the station checks (POST /station/fingerprints/check → quality 1–5,
// 1 best, and whether to capture it again); a finger that cannot be captured needs a reason.
import { h, uid } from '../dom.js';
import { api } from '../api.js';
import { toBase64, previewable } from './files.js';

// ISO/IEC 19794-2 finger positions 1..10.
export const FINGER = ['Ibu jari kanan', 'Telunjuk kanan', 'Jari tengah kanan', 'Jari manis kanan', 'Kelingking kanan',
  'Ibu jari kiri', 'Telunjuk kiri', 'Jari tengah kiri', 'Jari manis kiri', 'Kelingking kiri'];
export const fingerName = (position) => FINGER[position - 1] || `Jari ${position}`;

const FINGER_MISSING = { amputasi: 'Amputasi', luka: 'Luka', cacat_bawaan: 'Cacat bawaan', aus: 'Aus/tidak terbaca' };
const IRIS_MISSING = { alat_tidak_tersedia: 'Alat perekam iris tidak tersedia', kelainan_mata: 'Kelainan/cacat mata', lainnya: 'Lainnya' };
export const EYE = { right: 'Iris mata kanan', left: 'Iris mata kiri' };

const QUALITY = { 1: 'sangat baik', 2: 'baik', 3: 'cukup', 4: 'kurang', 5: 'buruk' };

/** The "cannot be captured" part of a slot: checkbox, reason select, free text. */
function missingPart(subject, reasons) {
  const box = h('input', { type: 'checkbox', id: uid('cb') });
  const select = h('select', { id: uid('f') }, h('option', { value: '' }, '— pilih alasan —'),
    Object.entries(reasons).map(([v, text]) => h('option', { value: v }, text)));
  const note = h('input', { type: 'text', id: uid('f'), maxlength: 200 });
  const details = h('div', { class: 'row missing-details' },
    h('div', {}, h('label', { for: select.id }, `Alasan ${subject} tidak direkam`), select),
    h('div', {}, h('label', { for: note.id }, `Keterangan ${subject}`, h('span', { class: 'muted' }, ' (opsional)')), note));
  details.hidden = true;
  const el = h('div', {}, h('div', { class: 'check' }, box, ' ', h('label', { for: box.id }, `${subject} tidak dapat direkam`)), details);
  box.addEventListener('change', () => { details.hidden = !box.checked; });
  return {
    el, box,
    missing: () => box.checked,
    reason: () => (select.value ? (note.value.trim() ? `${select.value}: ${note.value.trim()}` : select.value) : ''),
    reasonText: () => [reasons[select.value], note.value.trim()].filter(Boolean).join(' — '),
  };
}

function fingerSlot(position) {
  const name = `${position}. ${fingerName(position)}`;
  const file = h('input', { type: 'file', accept: 'image/*,.tif,.tiff,.bmp,.pgm,.wsq', id: uid('jari') });
  const thumb = h('img', { class: 'finger-thumb', alt: `Pratinjau sidik jari ${name}` });
  thumb.hidden = true;
  const status = h('div', { class: 'finger-status', 'aria-live': 'polite', dataset: { position: String(position) } });
  const missing = missingPart(`jari ${position}`, FINGER_MISSING);
  const el = h('fieldset', { class: 'finger-slot' }, h('legend', {}, name),
    h('label', { for: file.id }, `Gambar sidik jari ${name}`), file, thumb, status, missing.el);
  let state = { image: null, quality: null, busy: false, error: null };
  let seq = 0;
  let thumbUrl = null;

  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    const mySeq = ++seq;
    state = { image: null, quality: null, busy: true, error: null };
    el.classList.remove('recapture', 'captured');
    status.replaceChildren(h('span', { class: 'muted' }, 'Memeriksa kualitas…'));
    if (thumbUrl) URL.revokeObjectURL(thumbUrl);
    thumbUrl = previewable(f) ? URL.createObjectURL(f) : null;
    thumb.hidden = !thumbUrl;
    if (thumbUrl) thumb.src = thumbUrl;
    try {
      const image = await toBase64(f);
      const r = await api.checkFinger(position, image);
      if (mySeq !== seq) return;
      state = { image, quality: r.quality, minutiae: r.minutiae, recapture: r.recapture, busy: false, error: null };
      el.classList.add(r.recapture ? 'recapture' : 'captured');
      status.replaceChildren(h('div', {},
        h('span', { class: `badge ${r.recapture ? 'tidak' : 'ya'}` }, `Kualitas ${r.quality} (${QUALITY[r.quality] || '?'})`),
        ` ${r.minutiae} minutiae`),
        thumbUrl ? '' : h('div', { class: 'muted' }, `${f.name}: tanpa pratinjau (format ini tidak dapat ditampilkan peramban)`),
        r.recapture ? h('div', { class: 'alert error', role: 'alert' },
          `Kualitas ${QUALITY[r.quality] || r.quality}: rekam ulang jari ini (bersihkan jari dan kaca pemindai, tekan merata). `
          + 'Bila tetap kurang, gambar ini boleh dipakai.') : '');
    } catch (e) {
      if (mySeq !== seq) return;
      state = { image: null, quality: null, busy: false, error: e.message };
      status.replaceChildren(h('div', { class: 'alert error server-error', role: 'alert' }, `Gambar ditolak: ${e.message}`));
    }
  });

  return {
    el, position,
    validate() {
      if (missing.missing()) return missing.reason() ? null : `Jari ${name}: pilih alasan tidak direkam.`;
      if (state.busy) return `Jari ${name}: kualitas masih diperiksa.`;
      if (!state.image) return `Jari ${name}: unggah gambar atau tandai tidak dapat direkam.`;
      return null;
    },
    value: () => (missing.missing() ? { position, missing_reason: missing.reason() } : { position, image: state.image }),
    summary: () => (missing.missing() ? `tidak direkam (${missing.reasonText()})` : `kualitas ${state.quality}`),
  };
}

export function fingerCapture() {
  const slots = FINGER.map((_, i) => fingerSlot(i + 1));
  const el = h('section', { class: 'card', 'aria-labelledby': 'jari-h' },
    h('h3', { id: 'jari-h' }, '5. Sidik jari (10 jari)'),
    h('p', { class: 'muted' }, 'Kualitas 1 (terbaik) sampai 5 (terburuk); kualitas 4–5 sebaiknya direkam ulang. '
      + 'Jari yang tidak dapat direkam wajib diberi alasan.'),
    h('div', { class: 'finger-grid' }, slots.map((s) => s.el)));
  return {
    el,
    validate() {
      const problems = slots.map((s) => s.validate()).filter(Boolean);
      return problems.length ? problems.join(' ') : null;
    },
    problems: () => slots.map((s) => s.validate()).filter(Boolean),
    value: () => slots.map((s) => s.value()),
    summary: () => slots.map((s) => `${s.position}. ${fingerName(s.position)}: ${s.summary()}`),
  };
}

function irisSlot(eye) {
  const file = h('input', { type: 'file', accept: 'image/*', id: uid('iris') });
  const thumb = h('img', { class: 'finger-thumb', alt: `Pratinjau ${EYE[eye].toLowerCase()}` });
  thumb.hidden = true;
  const status = h('div', { 'aria-live': 'polite' });
  const missing = missingPart(EYE[eye].toLowerCase(), IRIS_MISSING);
  let image = null;
  let busy = false;
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    busy = true; image = null;
    if (previewable(f)) { thumb.src = URL.createObjectURL(f); thumb.hidden = false; } else thumb.hidden = true;
    try {
      image = await toBase64(f);
      status.replaceChildren(h('span', { class: 'badge ya' }, 'Terekam'), ` ${f.name}`);
    } catch (e) {
      status.replaceChildren(h('div', { class: 'alert error', role: 'alert' }, e.message));
    } finally { busy = false; }
  });
  const el = h('fieldset', { class: 'finger-slot' }, h('legend', {}, EYE[eye]),
    h('label', { for: file.id }, `Gambar ${EYE[eye].toLowerCase()}`), file, thumb, status, missing.el);
  return {
    el,
    validate() {
      if (missing.missing()) return missing.reason() ? null : `${EYE[eye]}: pilih alasan tidak direkam.`;
      if (busy) return `${EYE[eye]}: berkas masih dibaca.`;
      return image ? null : `${EYE[eye]}: unggah gambar atau tandai tidak dapat direkam.`;
    },
    value: () => (missing.missing() ? { eye, missing_reason: missing.reason() } : { eye, image }),
    summary: () => (missing.missing() ? `tidak direkam (${missing.reasonText()})` : 'terekam'),
  };
}

export function irisCapture() {
  const slots = ['right', 'left'].map(irisSlot);
  const el = h('section', { class: 'card', 'aria-labelledby': 'iris-h' },
    h('h3', { id: 'iris-h' }, '6. Iris mata'), h('div', { class: 'finger-grid' }, slots.map((s) => s.el)));
  return {
    el,
    problems: () => slots.map((s) => s.validate()).filter(Boolean),
    value: () => slots.map((s) => s.value()),
    summary: () => slots.map((s, i) => `${EYE[['right', 'left'][i]]}: ${s.summary()}`),
  };
}
