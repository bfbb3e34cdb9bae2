// Tanda tangan: drawn on a canvas with pointer events (mouse, pen, finger), sent as PNG base64.
import { h } from '../dom.js';

const WIDTH = 600;
const HEIGHT = 200;

export function signaturePad() {
  const canvas = h('canvas', { width: WIDTH, height: HEIGHT, class: 'signature', role: 'img',
    'aria-label': 'Bidang tanda tangan: tanda tangani dengan mouse, pena atau jari' });
  const ctx = canvas.getContext('2d');
  const clearButton = h('button', { type: 'button', class: 'secondary' }, 'Hapus tanda tangan');
  const status = h('p', { class: 'muted', 'aria-live': 'polite' }, 'Belum ada tanda tangan.');
  let points = 0;
  let drawing = false;

  function reset() {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    ctx.strokeStyle = '#10243e';
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    points = 0;
    status.textContent = 'Belum ada tanda tangan.';
  }
  reset();

  // The canvas is scaled by CSS; pointer positions are mapped back to canvas pixels.
  function at(ev) {
    const r = canvas.getBoundingClientRect();
    return [(ev.clientX - r.left) * (WIDTH / r.width), (ev.clientY - r.top) * (HEIGHT / r.height)];
  }
  canvas.addEventListener('pointerdown', (ev) => {
    if (canvas.closest('fieldset:disabled')) return;
    ev.preventDefault();
    canvas.setPointerCapture(ev.pointerId);
    drawing = true;
    const [x, y] = at(ev);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 0.1, y + 0.1);
    ctx.stroke();
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drawing) return;
    const [x, y] = at(ev);
    ctx.lineTo(x, y);
    ctx.stroke();
    points += 1;
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    if (points > 0) status.textContent = 'Tanda tangan sudah dibubuhkan.';
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clearButton.addEventListener('click', reset);

  const el = h('section', { class: 'card', 'aria-labelledby': 'ttd-h' },
    h('h3', { id: 'ttd-h' }, '4. Tanda tangan'),
    h('p', { class: 'muted' }, 'Penduduk menandatangani di bidang putih di bawah ini.'),
    h('div', { class: 'signature-box' }, canvas), status, clearButton);

  return {
    el,
    validate: () => (points < 3 ? 'Tanda tangan belum dibubuhkan.' : null),
    value: () => ({ data: canvas.toDataURL('image/png').replace(/^data:[^,]*,/, '') }),
    summary: () => (points < 3 ? '—' : 'Ada'),
  };
}
