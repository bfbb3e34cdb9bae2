// Reading captured images for the JSON API (base64) and making client-side ids.

/** A Blob/File → its bytes as base64 (no "data:" prefix). */
export function toBase64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('Berkas tidak dapat dibaca.'));
    reader.readAsDataURL(blob);
  });
}

/** A random UUID; crypto.randomUUID needs a secure context, a station on a LAN address may not be one. */
export function newId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Image types a browser can show in <img> (TIFF, PGM and WSQ from scanners cannot be previewed). */
export function previewable(file) {
  return /^image\/(png|jpeg|gif|bmp|webp)$/.test(file.type || '');
}

/** Re-encodes an image the browser can decode as JPEG (the server takes JPEG or PNG photos). */
export async function asJpeg(blob) {
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob(
    (b) => (b ? resolve(b) : reject(new Error('Foto tidak dapat diubah ke JPEG.'))), 'image/jpeg', 0.92));
}
