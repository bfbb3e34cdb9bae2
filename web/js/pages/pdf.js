// A button that fetches a PDF with the token and saves it (a plain link would lack the Authorization header).
import { h } from '../dom.js';
import { api, saveBlob } from '../api.js';

export function pdfButton(text, path, filename) {
  const status = h('span', { class: 'muted', 'aria-live': 'polite' });
  const a = h('a', { href: '/api/v1' + path, class: 'button secondary', download: filename }, text);
  a.addEventListener('click', async (ev) => {
    ev.preventDefault();
    status.textContent = ' Mengunduh…';
    try {
      saveBlob(await api.pdf(path), filename);
      status.textContent = ' Selesai diunduh.';
    } catch (e) {
      status.textContent = ' Gagal mengunduh: ' + e.message;
    }
  });
  return h('span', {}, a, status);
}
