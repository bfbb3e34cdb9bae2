// Foto wajah: a file, or the browser camera (getUserMedia → canvas → JPEG). The station checks the
// photo (POST /station/photo/check) and every rule is shown with its result; a photo that fails a
// rule is only accepted with an override reason (the server refuses it otherwise).
import { h, uid, alertBox, table } from '../dom.js';
import { api } from '../api.js';
import { textField } from '../widgets.js';
import { toBase64, asJpeg } from './files.js';

export const PHOTO_RULE = {
  no_face: 'Wajah terdeteksi',
  multiple_faces: 'Hanya satu wajah',
  face_too_small: 'Wajah tidak terlalu kecil',
  face_too_large: 'Wajah tidak terlalu besar',
  face_off_centre: 'Wajah di tengah',
  face_resolution_low: 'Resolusi wajah cukup',
  background_not_plain: 'Latar belakang polos',
  background_not_light: 'Latar belakang terang',
  too_dark: 'Tidak terlalu gelap',
  too_bright: 'Tidak terlalu terang',
  blurred: 'Foto tajam (tidak buram)',
};
const RESULT = { pass: 'Lulus', fail: 'Gagal', skipped: 'Tidak diukur' };

export function photoCapture() {
  let photo = null;      // { mime, data, report } once checked
  let busy = false;
  let error = null;
  let previewUrl = null;
  let stream = null;
  let seq = 0;

  const file = h('input', { type: 'file', accept: 'image/*', id: uid('foto') });
  const preview = h('img', { class: 'photo-preview', alt: 'Pratinjau foto wajah' });
  preview.hidden = true;
  const video = h('video', { class: 'camera', autoplay: true, muted: true, playsinline: true, 'aria-label': 'Gambar kamera' });
  video.hidden = true;
  const cameraOn = h('button', { type: 'button', class: 'secondary' }, 'Nyalakan kamera');
  const snap = h('button', { type: 'button', hidden: true }, 'Ambil foto');
  const cameraOff = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Matikan kamera');
  const cameraMsg = h('div', { 'aria-live': 'polite' });
  const result = h('div', { class: 'photo-result', 'aria-live': 'polite' });
  const override = textField('Alasan pengecualian aturan foto', {
    maxlength: 500,
    help: 'Wajib diisi bila foto tidak memenuhi aturan, misalnya “tanpa latar polos (layanan keliling)”. Alasan disimpan bersama foto.',
  });
  override.el.hidden = true;

  const el = h('section', { class: 'card', 'aria-labelledby': 'foto-h' },
    h('h3', { id: 'foto-h' }, '3. Foto wajah'),
    h('p', { class: 'muted' }, 'Latar polos terang, wajah menghadap kamera, kepala dan bahu tampak utuh.'),
    h('label', { for: file.id }, 'Berkas foto wajah'), file,
    h('div', { class: 'actions' }, cameraOn, snap, cameraOff), cameraMsg,
    h('div', { class: 'photo-box' }, video, preview),
    result, override.el);

  async function use(blob) {
    const mySeq = ++seq;
    busy = true; error = null; photo = null;
    override.el.hidden = true;
    result.replaceChildren(h('p', { class: 'muted' }, 'Memeriksa foto…'));
    try {
      let image = blob;
      if (image.type !== 'image/jpeg' && image.type !== 'image/png') image = await asJpeg(image);
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = URL.createObjectURL(image);
      preview.src = previewUrl;
      preview.hidden = false;
      const data = await toBase64(image);
      const report = await api.checkPhoto(data);
      if (mySeq !== seq) return;
      photo = { mime: image.type, data, report };
      showReport(report);
    } catch (e) {
      if (mySeq !== seq) return;
      error = e.message;
      result.replaceChildren(h('div', { class: 'alert error server-error', role: 'alert' }, `Foto ditolak: ${e.message}`));
    } finally {
      if (mySeq === seq) busy = false;
    }
  }

  function showReport(report) {
    const checks = report.checks || [];
    const failed = checks.filter((c) => c.result === 'fail');
    result.replaceChildren(
      checks.length === 0
        ? alertBox('info', 'Pemeriksaan otomatis foto tidak tersedia di stasiun ini; periksa foto secara manual.')
        : failed.length === 0
          ? alertBox('success', 'Foto memenuhi semua aturan.')
          : h('div', { class: 'alert error', role: 'alert' }, `Foto tidak memenuhi ${failed.length} aturan: `,
            failed.map((c) => PHOTO_RULE[c.id] || c.id).join(', '), '.'),
      checks.length === 0 ? '' : table([
        { label: 'Aturan', value: (c) => PHOTO_RULE[c.id] || c.id },
        { label: 'Hasil', value: (c) => h('span', { class: `badge ${c.result === 'pass' ? 'ya' : c.result === 'fail' ? 'tidak' : ''}` }, RESULT[c.result] || c.result) },
        { label: 'Keterangan', value: (c) => (c.result === 'pass' ? h('span', { class: 'muted' }, 'Memenuhi aturan') : c.message) },
      ], checks, { caption: 'Hasil pemeriksaan foto', rowClass: (c) => `rule-${c.result}` }));
    override.el.hidden = report.ok !== false;
  }

  file.addEventListener('change', () => { if (file.files[0]) use(file.files[0]); });

  function stopCamera() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true; snap.hidden = true; cameraOff.hidden = true; cameraOn.hidden = false;
  }
  cameraOn.addEventListener('click', async () => {
    cameraMsg.replaceChildren();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraMsg.append(alertBox('error', 'Kamera tidak tersedia di peramban ini (perlu HTTPS atau alamat localhost). Gunakan berkas foto.'));
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false });
      video.srcObject = stream;
      video.hidden = false; cameraOff.hidden = false; cameraOn.hidden = true;
      preview.hidden = true;
      await video.play();
      if (!video.videoWidth) await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
      snap.hidden = false;
      // Leaving the page turns the camera off.
      window.addEventListener('hashchange', stopCamera, { once: true });
    } catch (e) {
      stopCamera();
      cameraMsg.append(alertBox('error', `Kamera tidak dapat dinyalakan: ${e.message}`));
    }
  });
  snap.addEventListener('click', () => {
    if (!video.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    stopCamera();
    file.value = '';
    canvas.toBlob((blob) => { if (blob) use(blob); }, 'image/jpeg', 0.92);
  });
  cameraOff.addEventListener('click', stopCamera);

  return {
    el,
    validate() {
      if (busy) return 'Foto wajah masih diperiksa; tunggu sebentar.';
      if (!photo) return error ? `Foto wajah ditolak: ${error}` : 'Foto wajah belum diambil.';
      if (photo.report.ok === false && !override.value()) {
        return 'Foto tidak memenuhi aturan: ambil foto lain atau isi alasan pengecualian.';
      }
      return null;
    },
    value() {
      const out = { mime: photo.mime, data: photo.data };
      if (photo.report.ok === false) out.override_reason = override.value();
      return out;
    },
    summary() {
      if (!photo) return '—';
      const failed = (photo.report.checks || []).filter((c) => c.result === 'fail').map((c) => PHOTO_RULE[c.id] || c.id);
      return failed.length === 0 ? 'Memenuhi semua aturan' : `Pengecualian (${failed.join(', ')}): ${override.value()}`;
    },
    stop: stopCamera,
  };
}
