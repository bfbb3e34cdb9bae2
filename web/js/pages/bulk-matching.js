// Pemadanan data (public page, for agencies): an agency whose agreement includes bulk matching
// signs in with its API key, uploads a member file (CSV or JSON Lines) in resumable pieces, watches
// its jobs run (a progress bar, rows per second, time left), reads a finished job's summary — the
// results as a chart, the match rate, the quality problems of the file — and downloads the result
// (docs/api.md, Bulk matching). The key is held in this page's memory only: reloading forgets it.
import { h, put, clear, alertBox, table, waktu } from '../dom.js';
import { api, saveBlob, reasonText, NetworkError } from '../api.js';
import { textField, selectField } from '../widgets.js';
import { label, BULK_STATE, BULK_RESULT, BULK_COLUMN } from '../labels.js';

const PIECE_BYTES = 8 * 1024 * 1024;        // the server's largest upload piece
const RESULT_PIECE_BYTES = 32 * 1024 * 1024; // the server's largest result read
const BROWSER_FILE_BYTES_MAX = 1024 * 1024 * 1024;  // hashed in memory here; larger files through the API
const POLL_MS = 2000;
const UPLOAD_RETRIES = 5;

let agencyKey = null;  // memory only

const number = (n) => new Intl.NumberFormat('id-ID').format(n);
const percent = (x) => new Intl.NumberFormat('id-ID', { style: 'percent', maximumFractionDigits: 1 }).format(x);
const megabytes = (n) => (n < 1048576
  ? `${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 }).format(n / 1024)} KB`
  : `${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 }).format(n / 1048576)} MB`);
const msTime = (ms) => (ms ? waktu(new Date(ms).toISOString()) : '—');

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} detik`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} menit ${s % 60} detik` : `${Math.floor(m / 60)} jam ${m % 60} menit`;
}

const failure = (job) => (job.error ? reasonText(job.error.reason) || job.error.message : 'Gagal');
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** How far a job is, 0–1, and the words for it. */
function jobProgress(job) {
  if (job.state === 'uploading') {
    return { share: job.size_bytes ? job.received_bytes / job.size_bytes : 0,
      text: `Berkas diterima ${megabytes(job.received_bytes)} dari ${megabytes(job.size_bytes)}` };
  }
  if (job.state === 'done') return { share: 1, text: `${number(job.rows_done)} baris selesai` };
  if (job.state === 'failed') return { share: 0, text: failure(job) };
  const p = job.progress;
  if (!p) return { share: 0, text: job.state === 'queued' ? 'Menunggu giliran diproses' : `${number(job.rows_done)} baris selesai` };
  if (p.phase === 'loading_register') {
    return { share: 0, text: `Menyiapkan data penduduk (${number(p.register_persons_read)} dibaca)` };
  }
  const share = job.size_bytes ? Math.min(1, p.bytes_read / job.size_bytes) : 0;
  return { share, text: `${number(p.rows_done)} baris selesai · ${number(p.rows_per_second)} baris/detik · sisa ${duration(p.seconds_left)}` };
}

function progressCell(job) {
  const { share, text } = jobProgress(job);
  return h('div', { class: 'bulk-progress' },
    h('progress', { max: 100, value: Math.round(share * 100), 'aria-label': `Kemajuan ${job.file_name || job.id}` }),
    h('span', { class: 'muted' }, text));
}

/** A horizontal bar chart of counts (an accessible list with its numbers). */
function barChart(title, entries) {
  const total = entries.reduce((sum, [, n]) => sum + n, 0) || 1;
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('figure', { class: 'bar-chart' },
    h('figcaption', {}, title),
    h('ul', {}, entries.map(([name, n]) => h('li', {},
      h('span', { class: 'bar-label' }, name),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' },
        h('span', { class: 'bar-fill', style: `width: ${((100 * n) / max).toFixed(1)}%` })),
      h('span', { class: 'bar-value' }, `${number(n)} (${percent(n / total)})`)))));
}

const QUALITY = [
  ['invalid_rows', 'Baris tidak sah'], ['unreadable_records', 'Baris tidak terbaca'], ['ragged_rows', 'Jumlah kolom tidak sesuai'],
  ['duplicate_row_ids', 'ID baris ganda'], ['duplicate_niks', 'NIK ganda'], ['blank_row_ids', 'ID baris kosong'],
  ['blank_records', 'Baris kosong dilewati'],
];

function summaryView(job) {
  const s = job.summary;
  const q = s.quality || {};
  const results = Object.keys(BULK_RESULT).map((r) => [label(BULK_RESULT, r), s.results[r] || 0]);
  const badValues = Object.entries(q.bad_values || {}).filter(([, n]) => n > 0);
  const blanks = Object.entries(q.blank_cells || {}).filter(([, n]) => n > 0);
  const problems = [
    ...QUALITY.filter(([k]) => q[k] > 0).map(([k, text]) => ({ text, n: q[k] })),
    ...badValues.map(([c, n]) => ({ text: `Isian tidak sah di kolom ${label(BULK_COLUMN, c)}`, n })),
    ...blanks.map(([c, n]) => ({ text: `Isian kosong di kolom ${label(BULK_COLUMN, c)}`, n })),
  ];
  return h('section', { class: 'card', 'aria-labelledby': `ringkasan-${job.id}` },
    h('h3', { id: `ringkasan-${job.id}` }, `Ringkasan: ${job.file_name || job.id}`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Jumlah baris'), h('dd', {}, number(s.rows)),
      h('dt', {}, 'Tingkat kecocokan'), h('dd', { class: 'match-rate' }, percent(s.match_rate)),
      h('dt', {}, 'Penduduk yang tersentuh (tercatat di log akses)'), h('dd', {}, number(s.audited)),
      h('dt', {}, 'Kolom berkas'), h('dd', {}, (q.columns || []).map((c) => label(BULK_COLUMN, c)).join(', ') || '—'),
      h('dt', {}, 'Kolom yang tidak ada'), h('dd', {}, (q.missing_optional_columns || []).map((c) => label(BULK_COLUMN, c)).join(', ') || '—')),
    barChart('Hasil per baris', results),
    problems.length
      ? table([{ label: 'Masalah mutu berkas', value: (p) => p.text }, { label: 'Jumlah', num: true, value: (p) => number(p.n) }], problems)
      : h('p', {}, 'Tidak ada masalah mutu yang ditemukan dalam berkas.'));
}

async function downloadResult(job, button, msg) {
  button.disabled = true;
  msg.replaceChildren(alertBox('info', 'Mengunduh hasil…'));
  try {
    const parts = [];
    let offset = 0; let total = job.result_bytes;
    while (offset < total) {
      const piece = await api.bulkResultPiece(agencyKey, job.id, offset, RESULT_PIECE_BYTES);
      total = piece.total;
      if (piece.bytes.byteLength === 0) break;
      parts.push(piece.bytes);
      offset += piece.bytes.byteLength;
      msg.replaceChildren(alertBox('info', `Mengunduh hasil… ${megabytes(offset)} dari ${megabytes(total)}`));
    }
    const csv = job.result_format !== 'jsonl';
    saveBlob(new Blob(parts, { type: csv ? 'text/csv' : 'application/x-ndjson' }), `hasil-${job.id}.${csv ? 'csv' : 'jsonl'}`);
    msg.replaceChildren(alertBox('success', `Hasil diunduh (${megabytes(offset)}).`));
  } catch (e) {
    msg.replaceChildren(alertBox('error', e.message));
  } finally {
    button.disabled = false;
  }
}

/** Sends the file from the offset the job has reached, retrying a broken piece where the server says. */
async function uploadFile(job, data, onProgress) {
  let offset = job.received_bytes;
  let failures = 0;
  while (offset < data.byteLength) {
    try {
      const answer = await api.uploadBulkPiece(agencyKey, job.id, offset, data.slice(offset, offset + PIECE_BYTES));
      offset = answer.state === 'uploading' ? answer.received_bytes : data.byteLength;
      failures = 0;
      onProgress(offset, answer);
      if (answer.state !== 'uploading') return answer;
    } catch (e) {
      failures += 1;
      if (failures > UPLOAD_RETRIES) throw e;
      const resumable = e instanceof NetworkError || e.reason === 'bulk_upload_offset_mismatch';
      if (!resumable) throw e;
      await new Promise((resolve) => setTimeout(resolve, 500 * failures));
      const now = await api.bulkJob(agencyKey, job.id);  // where the server is
      if (now.state !== 'uploading') return now;
      offset = now.received_bytes;
    }
  }
  return api.bulkJob(agencyKey, job.id);
}

function uploadForm(onQueued) {
  const fileInput = h('input', { type: 'file', id: 'berkas-pemadanan', accept: '.csv,.jsonl,.txt,text/csv', required: true });
  const purpose = textField('Tujuan (sesuai PKS)', { maxlength: 200, help: 'Tulis persis salah satu tujuan dalam perjanjian kerja sama instansi Anda.' });
  const format = selectField('Format hasil', { csv: 'CSV', jsonl: 'JSON Lines' }, { value: 'csv' });
  const bar = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': 'Kemajuan unggahan' });
  const msg = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Unggah dan padankan');
  const form = h('form', { novalidate: true, class: 'card', 'aria-labelledby': 'unggah-h' },
    h('h3', { id: 'unggah-h' }, 'Unggah berkas pemadanan'),
    h('p', { class: 'muted' }, 'CSV atau JSON Lines dengan kepala kolom row_id (wajib), lalu kolom yang diperjanjikan: ',
      'nik, name, birth_date (YYYY-MM-DD atau DD-MM-YYYY), birth_place, sex (L/P), mother_name, address, village_code. ',
      'Berkas di atas 1 GB diunggah lewat API (docs/api.md).'),
    h('div', { class: 'field' }, h('label', { for: 'berkas-pemadanan' }, 'Berkas anggota'), fileInput),
    purpose.el, format.el, bar, msg,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    const file = fileInput.files[0];
    if (!file) { msg.append(alertBox('error', 'Pilih berkas yang akan dipadankan.')); return; }
    if (file.size === 0) { msg.append(alertBox('error', 'Berkas pemadanan kosong.')); return; }
    if (file.size > BROWSER_FILE_BYTES_MAX) {
      msg.append(alertBox('error', `Berkas ${megabytes(file.size)} terlalu besar untuk diunggah dari peramban; gunakan API (docs/api.md).`));
      return;
    }
    if (!purpose.value().trim()) { purpose.showError('Tujuan wajib diisi.'); return; }
    submit.disabled = true;
    let created = null;
    try {
      msg.replaceChildren(alertBox('info', 'Menghitung sidik SHA-256 berkas…'));
      const data = await file.arrayBuffer();
      const sha256 = hex(await crypto.subtle.digest('SHA-256', data));
      const job = created = await api.createBulkJob(agencyKey, {
        purpose: purpose.value().trim(), size_bytes: data.byteLength, sha256, file_name: file.name.slice(0, 200), result_format: format.value(),
      });
      bar.hidden = false;
      const done = await uploadFile(job, data, (offset) => {
        bar.value = Math.round((100 * offset) / data.byteLength);
        msg.replaceChildren(alertBox('info', `Mengunggah ${megabytes(offset)} dari ${megabytes(data.byteLength)}…`));
      });
      if (done.state === 'failed') {
        msg.replaceChildren(alertBox('error', `Berkas ditolak: ${failure(done)}`));
      } else {
        msg.replaceChildren(alertBox('success', `Berkas diterima dan masuk antrean pemadanan (pekerjaan ${done.id}).`));
        form.reset();
        format.control.value = 'csv';
      }
      onQueued();
    } catch (e) {
      // A file refused once complete (its digest, its header) fails its job: the list shows it too.
      msg.replaceChildren(alertBox('error', created && !(e instanceof NetworkError) ? `Berkas ditolak: ${e.message}` : e.message));
      if (created) onQueued();
    } finally {
      submit.disabled = false;
      bar.hidden = true;
    }
  });
  return form;
}

function jobsSection(main) {
  const list = h('div', { 'aria-live': 'polite' });
  const detail = h('div');
  const msg = h('div');
  let timer = null;
  let shown = null;  // the job whose summary is open
  const section = h('section', { 'aria-labelledby': 'pekerjaan-h' },
    h('h3', { id: 'pekerjaan-h' }, 'Pekerjaan pemadanan'), msg, list, detail);

  async function refresh() {
    clearTimeout(timer);
    if (!section.isConnected && timer !== null) return;  // the page was left
    try {
      const { jobs } = await api.bulkJobs(agencyKey);
      const rows = jobs.map((job) => {
        const actions = [];
        if (job.state === 'done') {
          const show = h('button', { type: 'button', class: 'secondary', onclick: () => { shown = job.id; put(clear(detail), summaryView(job)); } }, 'Lihat ringkasan');
          const note = h('span');
          const download = h('button', { type: 'button', onclick: () => downloadResult(job, download, note) }, 'Unduh hasil');
          actions.push(show, download, note);
        }
        return { job, actions };
      });
      put(clear(list), jobs.length === 0 ? h('p', {}, 'Belum ada pekerjaan pemadanan.') : table([
        { label: 'Berkas', value: (r) => r.job.file_name || r.job.id },
        { label: 'Dibuat', value: (r) => msTime(r.job.created_at_ms) },
        { label: 'Status', value: (r) => h('span', { class: `bulk-state ${r.job.state}` }, label(BULK_STATE, r.job.state), r.job.resumed ? ' (dilanjutkan)' : '') },
        { label: 'Kemajuan', value: (r) => progressCell(r.job) },
        { label: 'Tindakan', value: (r) => h('div', { class: 'actions' }, r.actions) },
      ], rows));
      if (shown) {
        const open = jobs.find((j) => j.id === shown && j.state === 'done');
        if (open) put(clear(detail), summaryView(open));
      }
      msg.replaceChildren();
      const busy = jobs.some((j) => j.state === 'queued' || j.state === 'running');
      timer = busy ? setTimeout(refresh, POLL_MS) : 0;
    } catch (e) {
      msg.replaceChildren(alertBox('error', e.message));
      if (e.status === 401 || e.status === 403) { agencyKey = null; renderBulkMatching(main); return; }
      timer = setTimeout(refresh, POLL_MS * 3);
    }
  }
  return { section, refresh };
}

function keyForm(main) {
  const key = textField('Kunci API instansi', { maxlength: 200, help: 'Kunci yang diberikan administrator Dukcapil (ektp_…). Kunci hanya disimpan di halaman ini sampai halaman dimuat ulang.' });
  key.control.type = 'password';
  key.control.autocomplete = 'off';
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, class: 'card', 'aria-labelledby': 'kunci-h' },
    h('h3', { id: 'kunci-h' }, 'Masuk sebagai instansi'), key.el, msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Masuk')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    const value = key.value().trim();
    if (!value.startsWith('ektp_')) { key.showError('Kunci API instansi diawali ektp_.'); return; }
    try {
      await api.bulkJobs(value);
      agencyKey = value;
      renderBulkMatching(main);
    } catch (e) {
      msg.append(alertBox('error', e.message));
    }
  });
  return form;
}

export function renderBulkMatching(main) {
  clear(main);
  put(main, h('h2', {}, 'Pemadanan Data Instansi'),
    h('p', {}, 'Instansi yang perjanjian kerja samanya (PKS) memuat pemadanan massal mencocokkan berkas anggotanya dengan data penduduk. ',
      'Setiap baris mendapat satu hasil; hanya elemen yang diperjanjikan yang dibandingkan, dan setiap penduduk yang tersentuh tercatat di log aksesnya.'));
  if (!agencyKey) { main.append(keyForm(main)); return; }
  const jobs = jobsSection(main);
  const leave = h('button', { type: 'button', class: 'secondary', onclick: () => { agencyKey = null; renderBulkMatching(main); } }, 'Keluar');
  put(main, h('div', { class: 'actions' }, leave), uploadForm(() => jobs.refresh()), jobs.section);
  jobs.refresh();
}
