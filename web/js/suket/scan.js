// Reading a QR code from a picture or the camera, with jsQR (vendor/jsqr, copied from npm by
// scripts/vendor.mjs). Returns the QR text exactly as encoded: spaces are Base45 characters and
// are never trimmed.
import jsQR from '../../vendor/jsqr/jsqr.mjs';

// A photo is tried at these longest sides, largest first (never enlarged), then, when nothing was
// read, enlarged by these factors. A SUKET whose QR code carries the face photo has some 140
// modules a side: in a photo of the whole page that is about 4 pixels a module, where jsQR's
// estimate of the code's size (from the finder patterns) misses by a module or two at one scale
// and not at another, and an enlarged picture places the module edges more finely.
const PICTURE_SIDES = [2400, 2000, 1600, 1280, 1000, 640];
const PICTURE_ENLARGED = [1.25, 1.5];
const PICTURE_SIDE_MAX = 3200;
const CAMERA_SIDE = 800;
const CAMERA_INTERVAL_MS = 150;

// Draws `source` with its longest side `side` pixels (at most its own size unless `enlarge`) and
// reads a QR code from it.
function readAt(source, width, height, side, inversionAttempts, canvas, enlarge = false) {
  const scale = enlarge ? side / Math.max(width, height) : Math.min(1, side / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.fillStyle = '#fff';  // a transparent PNG reads as black without a background
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const code = jsQR(image.data, image.width, image.height, { inversionAttempts });
  return code && code.data ? code.data : null;
}

/**
 * The QR text in a picture file (photo or scan), or null when none is found. Throws
 * Error('not_image') for a file the browser cannot read as a picture.
 */
export async function readQrFromFile(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error('not_image');
  }
  try {
    const canvas = document.createElement('canvas');
    const longest = Math.max(bitmap.width, bitmap.height);
    const sides = [...new Set([Math.min(longest, PICTURE_SIDES[0]), ...PICTURE_SIDES.filter((s) => s < longest)])];
    for (const side of sides) {
      const text = readAt(bitmap, bitmap.width, bitmap.height, side, 'attemptBoth', canvas);
      if (text) return text;
    }
    for (const factor of PICTURE_ENLARGED) {
      const side = Math.round(longest * factor);
      if (side > PICTURE_SIDE_MAX) break;
      const text = readAt(bitmap, bitmap.width, bitmap.height, side, 'attemptBoth', canvas, true);
      if (text) return text;
    }
    return null;
  } finally {
    bitmap.close?.();
  }
}

/**
 * Starts the camera (the rear one when there is one) in `video` and reads frames until a QR code
 * decodes; then stops and calls onText(text). Returns stop(). Throws the getUserMedia error
 * (NotAllowedError, NotFoundError, …) when the camera cannot be opened.
 */
export async function startCameraScan(video, onText) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  let stopped = false;
  let timer = 0;
  let frame = 0;
  const canvas = document.createElement('canvas');
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute('playsinline', '');
  try {
    await video.play();
  } catch (e) {
    stop();
    throw e;
  }
  const tick = () => {
    if (stopped) return;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      // Dark-on-light most of the time; every other frame also tries light-on-dark.
      frame += 1;
      const text = readAt(video, video.videoWidth, video.videoHeight, CAMERA_SIDE,
        frame % 2 ? 'dontInvert' : 'onlyInvert', canvas);
      if (text) {
        stop();
        onText(text);
        return;
      }
    }
    timer = setTimeout(tick, CAMERA_INTERVAL_MS);
  };
  tick();
  return stop;
}
