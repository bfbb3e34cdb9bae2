// Loket KTP-el (central; operators, supervisors, admins): the desk where a resident's card is
// handed over. The officer looks the resident up by NIK, sees their print requests, and hands a
// printed card over after a 1:1 fingerprint check (an image from the scanner against the finger
// enrolled), or — a supervisor, when the prints do not work — after an assisted check against
// the enrolled photo. Failed tries are counted; after four a supervisor must step in. While the
// card is pending, the desk issues a SUKET (printable PDF with a QR code anyone can verify).
import { h, put, clear, table, waktu, alertBox } from '../dom.js';
import { api, saveBlob } from '../api.js';
import { nikField, selectField, textField } from '../widgets.js';
import { getSession } from '../session.js';
import { toBase64 } from '../capture/files.js';
import { readyText } from '../labels.js';

const STATUS = { waiting: 'Menunggu cetak', printed: 'Dicetak, siap diambil', collected: 'Sudah diambil', cancelled: 'Dibatalkan' };
const REASON = { first: 'Kartu pertama', lost: 'Pengganti (hilang)', damaged: 'Pengganti (rusak)', changed_data: 'Pengganti (perubahan data)' };
const FINGERS = {
  1: 'Ibu jari kanan', 2: 'Telunjuk kanan', 3: 'Jari tengah kanan', 4: 'Jari manis kanan', 5: 'Kelingking kanan',
  6: 'Ibu jari kiri', 7: 'Telunjuk kiri', 8: 'Jari tengah kiri', 9: 'Jari manis kiri', 10: 'Kelingking kiri',
};
const IMAGE_BYTES_MAX = 600 * 1024;
const isSupervisor = () => ['supervisor', 'admin'].includes(getSession()?.role);

export async function renderCardDesk(main, { isCurrent }) {
  const nik = nikField('NIK penduduk');
  const find = h('button', { type: 'button' }, 'Cari');
  const msg = h('div', { 'aria-live': 'polite' });
  const view = h('section', { class: 'card', 'aria-labelledby': 'loket-h' });
  put(main, h('h2', {}, 'Loket KTP-el'), h('div', { class: 'card row' }, nik.el, h('div', {}, find)), msg, view);

  async function load() {
    const e = nik.validate();
    nik.showError(e);
    if (e) return;
    msg.replaceChildren();
    try {
      const desk = await api.cardDesk(nik.value());
      if (!isCurrent()) return;
      show(desk);
    } catch (err) {
      view.replaceChildren();
      if (err.status !== 401) msg.replaceChildren(alertBox('error', err.message));
    }
  }

  function show(desk) {
    const printed = desk.requests.find((r) => r.status === 'printed' && !r.revoked_at_ms);
    put(clear(view), h('h3', { id: 'loket-h' }, `${desk.name} · NIK ${desk.nik}`),
      desk.ready ? h('p', { class: 'ready-date', dataset: { ready: desk.ready.status } },
        readyText(desk.ready), ` Posisi dalam antrean: ${Number(desk.ahead) + 1}.`) : null,
      desk.requests.length === 0
        ? h('p', {}, 'Belum ada permohonan cetak. Kartu pertama masuk antrean setelah perekaman berstatus siap cetak.')
        : table([
          { label: 'Permohonan', value: (r) => REASON[r.reason] || r.reason },
          { label: 'Status', value: (r) => (r.revoked_at_ms ? 'Dicabut' : STATUS[r.status] || r.status) },
          { label: 'Dicetak', value: (r) => (r.printed_at_ms ? `${waktu(r.printed_at_ms)} · blanko ${r.blanko_serial}` : '—') },
          { label: 'Diambil', value: (r) => (r.collected_at_ms ? `${waktu(r.collected_at_ms)} · ${r.collected_by}` : '—') },
          { label: 'Percobaan sidik jari gagal', value: (r) => String(r.pickup_attempts.filter((a) => a.method === 'fingerprint' && !a.matched).length), num: true },
        ], desk.requests, { caption: 'Permohonan cetak, terbaru di atas' }),
      printed ? handOver(printed) : h('p', {}, 'Tidak ada kartu yang siap diserahkan.'),
      isSupervisor() && desk.requests.some((r) => ['printed', 'collected'].includes(r.status) && !r.revoked_at_ms)
        ? replacementForm(desk) : null,
      suketSection(desk));
  }

  // A card reported lost or damaged (or whose data changed): revoked at once, a replacement queued.
  function replacementForm(desk) {
    const why = selectField('Alasan', { lost: 'Hilang', damaged: 'Rusak', changed_data: 'Perubahan data' });
    const detail = textField('Nomor surat kehilangan dari kepolisian / keterangan', { maxlength: 200 });
    const urgent = selectField('Prioritas', { elderly: 'Lansia', disabled: 'Disabilitas', medical: 'Medis', hajj: 'Haji' }, { required: false });
    const note = h('div', { 'aria-live': 'polite' });
    const go = h('button', { type: 'submit', class: 'danger' }, 'Cabut kartu dan ajukan pengganti');
    const form = h('form', { novalidate: true, class: 'pickup-form' }, h('h4', {}, 'Kartu hilang atau rusak'),
      h('p', {}, 'Kartu lama dicabut seketika dan tidak berlaku lagi walaupun ditemukan kembali.'), why.el, detail.el, urgent.el, note, go);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      note.replaceChildren();
      const errors = [[why, why.validate()], [detail, detail.validate()]];
      errors.forEach(([f, e]) => f.showError(e));
      if (errors.some(([, e]) => e)) return;
      go.disabled = true;
      try {
        await api.cardReplacement({ nik: desk.nik, reason: why.value(), detail: detail.value(), urgent_reason: urgent.value() });
        note.append(alertBox('success', 'Kartu lama dicabut; permohonan kartu pengganti masuk antrean cetak.'));
        await reloadKeeping(note);
      } catch (err) {
        if (err.status !== 401) note.append(alertBox('error', err.message));
      } finally {
        go.disabled = false;
      }
    });
    return form;
  }

  // SUKET: the ones issued, and a new one while the card is pending.
  function suketSection(desk) {
    const box = h('section', { class: 'suket', 'aria-labelledby': 'suket-h' }, h('h4', { id: 'suket-h' }, 'SUKET'));
    const note = h('div', { 'aria-live': 'polite' });
    const list = h('div', {});
    const holds = desk.requests.some((r) => r.status === 'collected' && !r.revoked_at_ms);
    const issue = h('button', { type: 'button' }, 'Terbitkan SUKET');
    const download = async (s) => {
      try { saveBlob(await api.blob(`/card/sukets/${s.id}/document.pdf`), `SUKET-${desk.nik}.pdf`); }
      catch (err) { if (err.status !== 401) note.replaceChildren(alertBox('error', err.message)); }
    };
    const showList = (sukets) => list.replaceChildren(sukets.length === 0 ? h('p', {}, 'Belum ada SUKET.') : table([
      { label: 'Diterbitkan', value: (s) => waktu(s.issued_at_s * 1000) },
      { label: 'Berlaku hingga', value: (s) => waktu(s.expires_at_s * 1000) },
      { label: 'Status', value: (s) => (s.superseded_at_ms ? 'Tidak berlaku (KTP-el sudah diambil)' : s.expires_at_s * 1000 < Date.now() ? 'Habis masa berlaku' : 'Berlaku') },
      { label: 'Perkiraan KTP-el', value: (s) => readyText(s.ready) || '—' },
      { label: 'Dokumen', value: (s) => { const b = h('button', { type: 'button', class: 'secondary' }, 'Unduh PDF'); b.addEventListener('click', () => download(s)); return b; } },
    ], sukets, { caption: 'SUKET penduduk ini, terbaru di atas' }));
    issue.addEventListener('click', async () => {
      issue.disabled = true;
      note.replaceChildren();
      try {
        const s = await api.issueSuket(desk.nik);
        note.append(alertBox('success', `SUKET diterbitkan, berlaku hingga ${waktu(s.expires_at_s * 1000)}. Unduh PDF untuk dicetak dan diserahkan.`));
        showList((await api.sukets(desk.nik)).sukets);
      } catch (err) {
        if (err.status !== 401) note.append(alertBox('error', err.message));
      } finally {
        issue.disabled = false;
      }
    });
    api.sukets(desk.nik).then((r) => showList(r.sukets)).catch((err) => { if (err.status !== 401) note.append(alertBox('error', err.message)); });
    put(box, holds ? h('p', {}, 'Penduduk ini sudah memegang KTP-el: SUKET tidak diperlukan.') : h('div', {}, issue), note, list);
    return box;
  }

  function handOver(request) {
    const finger = selectField('Jari yang dipindai', FINGERS, { value: '2' });
    const file = h('input', { type: 'file', accept: 'image/png,image/tiff,image/bmp,image/x-portable-graymap,.pgm,.tif,.tiff' });
    const fileLabel = h('label', {}, 'Gambar sidik jari dari pemindai (500 ppi)', file);
    const note = h('div', { 'aria-live': 'polite', class: 'pickup-result' });
    const check = h('button', { type: 'submit' }, 'Periksa sidik jari dan serahkan');
    const form = h('form', { novalidate: true, class: 'pickup-form' }, h('h4', {}, 'Penyerahan kartu'),
      h('p', {}, 'Minta penduduk menempelkan jari yang sama seperti saat perekaman. Kartu diserahkan hanya bila sidik jari cocok.'),
      finger.el, fileLabel, note, check);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      note.replaceChildren();
      const chosen = file.files[0];
      if (!chosen) { note.append(alertBox('error', 'Pilih gambar sidik jari dari pemindai.')); return; }
      if (chosen.size > IMAGE_BYTES_MAX) { note.append(alertBox('error', 'Gambar terlalu besar (paling besar 600 KB).')); return; }
      check.disabled = true;
      try {
        const body = { method: 'fingerprint', finger_position: Number(finger.value()), image: await toBase64(chosen), dpi: 500 };
        await api.cardCollect(request.id, body);
        note.append(alertBox('success', 'Sidik jari cocok. Kartu diserahkan dan tercatat diambil.'));
        await reloadKeeping(note);
      } catch (err) {
        if (err.status === 401) return;
        const left = err.reason === 'fingerprint_no_match' ? ` Sisa percobaan sebelum supervisor: ${err.params.tries_left}.` : '';
        note.append(alertBox('error', err.message + left));
      } finally {
        check.disabled = false;
      }
    });
    const parts = [form];
    if (isSupervisor()) parts.push(assistedForm(request));
    return h('div', { class: 'row pickup-forms' }, ...parts);
  }

  function assistedForm(request) {
    const what = textField('Yang diperiksa supervisor', { maxlength: 300, multiline: true,
      help: 'Mis. wajah cocok dengan foto perekaman, KK asli diperiksa.' });
    const note = h('div', { 'aria-live': 'polite' });
    const go = h('button', { type: 'submit', class: 'secondary' }, 'Serahkan dengan pemeriksaan dibantu');
    const form = h('form', { novalidate: true, class: 'pickup-form' }, h('h4', {}, 'Pemeriksaan dibantu (supervisor)'),
      h('p', {}, 'Untuk penduduk yang sidik jarinya tidak dapat dibaca: bandingkan dengan foto perekaman.'), what.el, note, go);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      note.replaceChildren();
      const e = what.validate();
      what.showError(e);
      if (e) return;
      go.disabled = true;
      try {
        await api.cardCollect(request.id, { method: 'assisted', note: what.value() });
        note.append(alertBox('success', 'Kartu diserahkan dengan pemeriksaan dibantu dan tercatat diambil.'));
        await reloadKeeping(note);
      } catch (err) {
        if (err.status !== 401) note.append(alertBox('error', err.message));
      } finally {
        go.disabled = false;
      }
    });
    return form;
  }

  // Reloads the resident but keeps the answer just shown above the table.
  async function reloadKeeping(note) {
    const kept = note.cloneNode(true);
    await load();
    msg.replaceChildren(...kept.childNodes);
  }

  find.addEventListener('click', load);
  nik.control.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); load(); } });
}
