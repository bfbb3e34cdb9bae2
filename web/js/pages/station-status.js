// Antrean kirim (station): what is waiting to go to central, since when, the link, the last error
// and the serial leases left; refreshed every few seconds (GET /station/status, /station/outbox).
import { h, put, table, waktu, lama, alertBox } from '../dom.js';
import { api } from '../api.js';

const REFRESH_MS = 3000;
const KIND = { enrollment: 'Perekaman' };
const OUTCOME = { applied: 'Diterima pusat', conflict: 'Diterima, ada konflik biodata', rejected: 'Ditolak pusat' };

function itemState(i) {
  if (!i.delivered_at_ms) return h('span', { class: 'badge tidak' }, 'Menunggu');
  return h('span', { class: `badge ${i.outcome === 'rejected' ? 'tidak' : 'ya'}` }, OUTCOME[i.outcome] || i.outcome || 'Terkirim');
}

export async function renderStationStatus(main, { isCurrent }) {
  const panel = h('section', { class: 'card station-status', 'aria-labelledby': 'status-h' },
    h('h3', { id: 'status-h' }, 'Status stasiun'), h('p', { class: 'muted' }, 'Memuat…'));
  const items = h('section', { class: 'card', 'aria-labelledby': 'outbox-h' }, h('h3', { id: 'outbox-h' }, 'Isi antrean'));
  const updated = h('p', { class: 'muted', 'aria-live': 'off' });
  put(main, h('h2', {}, 'Antrean Kirim'),
    h('p', {}, 'Perekaman yang tersimpan di stasiun ini dikirim ke pusat secara berurutan setiap kali ada koneksi. '
      + 'Data yang sudah tersimpan tidak hilang walau listrik atau koneksi putus.'),
    panel, items, updated);

  let timer = null;
  async function refresh() {
    if (!isCurrent()) { clearInterval(timer); return; }
    let status; let outbox;
    try {
      [status, outbox] = await Promise.all([api.stationStatus(), api.stationOutbox()]);
    } catch (e) {
      if (!isCurrent()) return;
      if (e.status === 401) { clearInterval(timer); return; }
      panel.replaceChildren(h('h3', { id: 'status-h' }, 'Status stasiun'),
        alertBox('error', `Stasiun tidak menjawab: ${e.message}`));
      return;
    }
    if (!isCurrent()) return;
    const o = status.outbox || {};
    const link = status.link || {};
    const lastError = o.last_error || link.last_error || '';
    panel.replaceChildren(h('h3', { id: 'status-h' }, `Status stasiun ${status.station_id}`),
      h('dl', { class: 'bio' }, [
        ['Koneksi ke pusat', [h('span', { class: `badge link ${link.online ? 'ya' : 'tidak'}` }, link.online ? 'Daring' : 'Luring'),
          link.last_contact_ms ? ` — kontak terakhir ${waktu(link.last_contact_ms)}` : ' — belum pernah terhubung sejak dinyalakan']],
        ['Menunggu kirim', h('span', { class: 'pending-count' }, String(o.pending ?? 0))],
        ['Menunggu sejak', h('span', { class: 'pending-since' }, o.pending && o.oldest_pending_created_at_ms
          ? `${waktu(o.oldest_pending_created_at_ms)} (${lama(o.oldest_pending_created_at_ms)})` : '—')],
        ['Sudah terkirim', String(o.delivered ?? 0)],
        ['Ditolak pusat', String(o.rejected ?? 0)],
        ['Konflik biodata', String(o.conflicts ?? 0)],
        ['Terakhir terkirim', o.last_delivered_at_ms ? waktu(o.last_delivered_at_ms) : '—'],
        ['Kesalahan terakhir', h('span', { class: 'last-error' }, lastError || '—')],
        ['Sisa nomor sewa', `NIK ${status.leases?.nik_serials ?? 0}, KK ${status.leases?.kk_serials ?? 0}`],
        ['Kecamatan', status.district_code],
        ['Server pusat', status.central_url || '—'],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    const rows = outbox.items || [];
    items.replaceChildren(h('h3', { id: 'outbox-h' }, 'Isi antrean'), rows.length === 0
      ? h('p', {}, 'Antrean kosong: belum ada perekaman di stasiun ini.')
      : table([
        { label: 'Urutan', value: (i) => String(i.seq), num: true },
        { label: 'Jenis', value: (i) => KIND[i.kind] || i.kind },
        { label: 'NIK', value: (i) => i.nik },
        { label: 'Disimpan', value: (i) => waktu(i.created_at_ms) },
        { label: 'Status', value: itemState },
        { label: 'Dikirim', value: (i) => (i.delivered_at_ms ? waktu(i.delivered_at_ms) : '—') },
        { label: 'Percobaan', value: (i) => String(i.attempts), num: true },
        { label: 'Tanda terima', value: (i) => (i.receipt ? 'Ada (ditandatangani pusat)' : '—') },
        { label: 'Kesalahan', value: (i) => i.last_error || '—' },
      ], rows, { caption: 'Terbaru di atas (paling banyak 200)' }));
    updated.textContent = `Diperbarui ${waktu(Date.now())}; otomatis setiap ${REFRESH_MS / 1000} detik.`;
  }
  await refresh();
  timer = setInterval(refresh, REFRESH_MS);
}
