// Cetak KTP-el (central; supervisors and admins): an office's blanko stock — its balance, the
// latest movements, and the forms to record a delivery, a transfer and a spoiled blanko — and its
// print queue, with "Cetak berikutnya" that prints the next card on the lowest blanko and shows
// the card face. A print that came out bad is recorded as spoiled and goes back to the queue.
// Deliveries announced to the office are listed and added here, allocations asked for up the
// chain and decided; each waiting request shows its estimated ready date.
import { h, put, clear, table, waktu, alertBox } from '../dom.js';
import { api } from '../api.js';
import { textField } from '../widgets.js';
import { getSession } from '../session.js';
import { DEFAULT_REGENCY } from '../config.js';
import { readyShort } from '../labels.js';

const MOVEMENT = {
  received: 'Diterima', transfer_out: 'Dipindahkan keluar', transfer_in: 'Diterima dari kantor lain', used: 'Dipakai cetak',
  spoiled: 'Rusak', returned: 'Dikembalikan', print_spoiled: 'Cetakan rusak',
};
const REASON = { first: 'Kartu pertama', lost: 'Hilang', damaged: 'Rusak', changed_data: 'Perubahan data' };
const URGENT = { elderly: 'Lansia', disabled: 'Disabilitas', medical: 'Medis', hajj: 'Haji' };
const number = (v) => Number(v).toLocaleString('id-ID');
const serialCheck = (v) => (/^[0-9]{1,12}$/.test(v) && Number(v) > 0 ? null : 'Nomor blanko berupa angka 1 sampai 12 digit.');

// How long the stock lasts at the measured pace; a warning when it runs out before the next
// delivery would come at the pace deliveries have come.
function outlookText(o) {
  const days = (d) => `${Math.floor(d).toLocaleString('id-ID')} hari`;
  const pace = o.used_last_30_days > 0
    ? `Pemakaian 30 hari terakhir ${number(o.used_last_30_days)} blanko (±${o.used_per_day.toLocaleString('id-ID', { maximumFractionDigits: 1 })} sehari): cukup untuk ±${days(o.days_left)}.`
    : 'Belum ada pemakaian dalam 30 hari terakhir, sehingga lama persediaan belum dapat diperkirakan.';
  const gap = o.delivery_gap_days != null ? ` Kiriman blanko datang rata-rata tiap ${days(o.delivery_gap_days)}.` : '';
  return o.low
    ? alertBox('error', `Persediaan blanko menipis. ${pace}${gap} Ajukan alokasi sekarang.`)
    : h('p', { class: 'stock-outlook' }, pace + gap);
}

export async function renderCardProduction(main, { isCurrent }) {
  const office = textField('Kantor (kode wilayah)', { value: DEFAULT_REGENCY, maxlength: 6,
    help: 'Dinas kabupaten/kota (4 angka, mis. 3327) atau kecamatan yang mencetak (6 angka).',
    check: (v) => (/^([0-9]{4}|[0-9]{6})$/.test(v) ? null : 'Kode kantor terdiri dari 4 atau 6 angka.') });
  const show = h('button', { type: 'button' }, 'Tampilkan');
  const stockCard = h('section', { class: 'card', 'aria-labelledby': 'stok-h' });
  const queueCard = h('section', { class: 'card', 'aria-labelledby': 'antrean-h' });
  const formsCard = h('section', { class: 'card', 'aria-labelledby': 'catat-h' });
  const deliveriesCard = h('section', { class: 'card', 'aria-labelledby': 'kiriman-h' });
  const allocationCard = h('section', { class: 'card', 'aria-labelledby': 'alokasi-h' });
  const msg = h('div', { 'aria-live': 'polite' });
  put(main, h('h2', {}, 'Cetak KTP-el'),
    h('div', { class: 'card row' }, office.el, h('div', {}, show)), msg, stockCard, formsCard, deliveriesCard, allocationCard, queueCard);

  const fail = (e) => { if (e.status !== 401) msg.replaceChildren(alertBox('error', e.message)); };
  const current = () => office.value();

  async function loadStock() {
    const stock = await api.cardStock(current());
    if (!isCurrent()) return;
    const b = stock.balance;
    put(clear(stockCard), h('h3', { id: 'stok-h' }, `Persediaan blanko ${stock.office}`),
      h('p', { class: 'stock-on-hand' }, h('strong', {}, `${number(stock.on_hand)} blanko`), ' ada di persediaan.'),
      outlookText(stock.outlook),
      printsNote(stock),
      table([
        { label: 'Diterima', value: () => number(b.received), num: true },
        { label: 'Masuk dari kantor lain', value: () => number(b.transferred_in), num: true },
        { label: 'Keluar ke kantor lain', value: () => number(b.transferred_out), num: true },
        { label: 'Dipakai cetak', value: () => number(b.used), num: true },
        { label: 'Rusak', value: () => number(b.spoiled), num: true },
        { label: 'Dikembalikan', value: () => number(b.returned), num: true },
        { label: 'Sisa', value: () => number(b.on_hand), num: true },
      ], [b], { caption: 'Sisa = diterima + masuk − keluar − dipakai − rusak − dikembalikan' }),
      stock.movements.length === 0 ? h('p', {}, 'Belum ada mutasi blanko.') : table([
        { label: 'Waktu', value: (m) => waktu(m.at_ms) },
        { label: 'Mutasi', value: (m) => MOVEMENT[m.kind] || m.kind },
        { label: 'Nomor', value: (m) => (m.first === m.last ? String(m.first) : `${m.first}–${m.last}`) },
        { label: 'Jumlah', value: (m) => number(m.last - m.first + 1), num: true },
        { label: 'Keterangan', value: (m) => [m.counterpart, m.reason].filter(Boolean).join(' · ') || '—' },
        { label: 'Petugas', value: (m) => m.actor },
      ], stock.movements, { caption: 'Mutasi terakhir' }));
  }

  // A kecamatan prints its residents' cards once registered; a Dinas always does.
  function printsNote(stock) {
    if (stock.office.length === 4) return null;
    if (stock.prints) return h('p', { class: 'prints-note' }, 'Kecamatan ini mencetak KTP-el penduduknya sendiri.');
    const start = h('button', { type: 'button', class: 'secondary' }, 'Mulai cetak di kecamatan ini');
    start.addEventListener('click', async () => {
      start.disabled = true;
      try { await api.cardRegisterPrinting(stock.office); await Promise.all([loadStock(), loadQueue()]); } catch (err) { fail(err); start.disabled = false; }
    });
    return h('p', { class: 'prints-note' }, 'KTP-el penduduk kecamatan ini dicetak oleh Dinas. ', start);
  }

  async function loadQueue() {
    const { waiting } = await api.cardQueue(current());
    if (!isCurrent()) return;
    const printNext = h('button', { type: 'button' }, 'Cetak berikutnya');
    const result = h('div', { 'aria-live': 'polite', class: 'print-result' });
    printNext.addEventListener('click', () => printOne(printNext, result));
    queueCard.replaceChildren(h('h3', { id: 'antrean-h' }, 'Antrean cetak'),
      waiting.length === 0 ? h('p', {}, 'Tidak ada permohonan cetak yang menunggu.') : table([
        { label: 'No.', value: (r, i) => String(waiting.indexOf(r) + 1 || i), num: true },
        { label: 'NIK', value: (r) => r.nik },
        { label: 'Permohonan', value: (r) => REASON[r.reason] || r.reason },
        { label: 'Prioritas', value: (r) => (r.urgent_reason ? URGENT[r.urgent_reason] || r.urgent_reason : '—') },
        { label: 'Sejak', value: (r) => waktu(r.requested_at_ms) },
        { label: 'Perkiraan selesai', value: (r) => readyShort(r.ready) },
      ], waiting, { caption: 'Urutan cetak: prioritas, kartu pertama, lalu waktu permohonan' }),
      h('div', {}, printNext), result);
  }

  async function printOne(button, result) {
    button.disabled = true;
    result.replaceChildren();
    try {
      const printed = await api.cardPrintNext(current());
      const face = h('img', { class: 'card-face', alt: `Muka kartu NIK ${printed.nik}`, width: 506, height: 319 });
      const spoilReason = textField('Alasan cetakan rusak', { maxlength: 200 });
      const spoil = h('button', { type: 'button', class: 'danger' }, 'Catat cetakan rusak');
      spoil.addEventListener('click', async () => {
        const e = spoilReason.validate();
        spoilReason.showError(e);
        if (e) return;
        try {
          await api.cardSpoilPrint(printed.id, spoilReason.value());
          result.replaceChildren(alertBox('info', `Cetakan rusak dicatat: blanko ${printed.blanko_serial} rusak, permohonan kembali ke antrean di tempatnya.`));
          await Promise.all([loadStock(), loadQueue()]);
        } catch (err) { fail(err); }
      });
      result.replaceChildren(alertBox('success', `Kartu NIK ${printed.nik} dicetak pada blanko nomor ${printed.blanko_serial}.`),
        face, h('details', {}, h('summary', {}, 'Cetakan rusak?'), spoilReason.el, spoil));
      api.blob(`/card/requests/${printed.id}/face.png`).then((blob) => { face.src = URL.createObjectURL(blob); })
        .catch(() => face.replaceWith(alertBox('info', 'Muka kartu tidak dapat ditampilkan (foto atau tanda tangan perekaman tidak ada).')));
      await loadStock();
      await loadQueueKeeping(result);
    } catch (e) {
      result.replaceChildren(alertBox(e.status === 409 ? 'info' : 'error', e.message));
    } finally {
      button.disabled = false;
    }
  }
  // Reloads the queue but keeps the result of the print just made.
  async function loadQueueKeeping(result) {
    await loadQueue();
    queueCard.querySelector('.print-result').replaceWith(result);
  }

  function stockForm(title, kind, fields, body, done) {
    const note = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, title);
    const form = h('form', { novalidate: true, class: 'stock-form' }, h('h4', {}, title), ...fields.map((f) => f.el), note, button);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      note.replaceChildren();
      let bad = false;
      for (const f of fields) { const e = f.validate(); f.showError(e); bad = bad || !!e; }
      if (bad) return;
      button.disabled = true;
      try {
        const r = await api.cardStockMove(current(), kind, body());
        note.append(alertBox('success', done(r)));
        for (const f of fields) f.control.value = '';
        await loadStock();
      } catch (e) {
        if (e.status !== 401) note.append(alertBox('error', e.message));
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  const first = textField('Nomor pertama', { maxlength: 12, check: serialCheck });
  const last = textField('Nomor terakhir', { maxlength: 12, check: serialCheck });
  const allocation = textField('Nomor alokasi / surat pengantar', { maxlength: 200 });
  const to = textField('Ke kantor (kode wilayah)', { maxlength: 6,
    check: (v) => (/^([0-9]{4}|[0-9]{6})$/.test(v) ? null : 'Kode kantor terdiri dari 4 atau 6 angka.') });
  const count = textField('Jumlah blanko', { maxlength: 6,
    check: (v) => (/^[0-9]+$/.test(v) && Number(v) >= 1 && Number(v) <= 100000 ? null : 'Jumlah 1 sampai 100.000.') });
  const serial = textField('Nomor blanko', { maxlength: 12, check: serialCheck });
  const why = textField('Alasan rusak', { maxlength: 200 });
  const lastValidate = last.validate;
  const rangeCheck = () => {
    if (first.validate() || lastValidate()) return null;
    const n = Number(last.value()) - Number(first.value()) + 1;
    return n < 1 ? 'Nomor terakhir tidak boleh sebelum nomor pertama.' : n > 100000 ? 'Paling banyak 100.000 blanko sekali terima.' : null;
  };
  last.validate = () => lastValidate() || rangeCheck();
  formsCard.replaceChildren(h('h3', { id: 'catat-h' }, 'Catat mutasi blanko'), h('div', { class: 'row stock-forms' },
    stockForm('Terima blanko', 'receive', [first, last, allocation],
      () => ({ first: Number(first.value()), last: Number(last.value()), allocation: allocation.value() }),
      (r) => `Blanko diterima. Persediaan sekarang ${number(r.on_hand)}.`),
    stockForm('Pindahkan blanko', 'transfer', [to, count], () => ({ to: to.value(), count: Number(count.value()) }),
      (r) => `Dipindahkan ke ${r.to}: ${r.moved.map((m) => (m.first === m.last ? m.first : `${m.first}–${m.last}`)).join(', ')}.`),
    stockForm('Catat blanko rusak', 'spoil', [serial, why], () => ({ serial: Number(serial.value()), reason: why.value() }),
      () => 'Blanko rusak dicatat.')));

  // Deliveries the office was told are coming: the ready dates count on them.
  const ANNOUNCED = { announced: 'Dijadwalkan', received: 'Sudah diterima', cancelled: 'Dibatalkan' };
  async function loadDeliveries() {
    const { deliveries } = await api.cardDeliveries(current());
    if (!isCurrent()) return;
    const date = h('input', { type: 'date', required: true });
    const dateLabel = h('label', {}, 'Perkiraan tiba', date);
    const many = textField('Jumlah blanko', { maxlength: 6, value: '500',
      check: (v) => (/^[0-9]+$/.test(v) && Number(v) >= 1 && Number(v) <= 100000 ? null : 'Jumlah 1 sampai 100.000.') });
    const letter = textField('Surat alokasi / keterangan', { required: false, maxlength: 200 });
    const note = h('div', { 'aria-live': 'polite' });
    const add = h('button', { type: 'submit' }, 'Umumkan kiriman');
    const form = h('form', { novalidate: true, class: 'stock-form' }, h('h4', {}, 'Kiriman yang akan datang'),
      dateLabel, many.el, letter.el, note, add);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      note.replaceChildren();
      const e = many.validate();
      many.showError(e);
      if (e) return;
      if (!date.value) { note.append(alertBox('error', 'Perkiraan tiba wajib diisi.')); return; }
      add.disabled = true;
      try {
        await api.cardAnnounceDelivery(current(), { expected_date: date.value, count: Number(many.value()), note: letter.value() });
        await Promise.all([loadDeliveries(), loadQueue()]);
      } catch (err) {
        if (err.status !== 401) note.append(alertBox('error', err.message));
      } finally {
        add.disabled = false;
      }
    });
    deliveriesCard.replaceChildren(h('h3', { id: 'kiriman-h' }, 'Kiriman blanko'), form,
      deliveries.length === 0 ? h('p', {}, 'Belum ada kiriman yang diumumkan.') : table([
        { label: 'Perkiraan tiba', value: (d) => d.expected_date },
        { label: 'Jumlah', value: (d) => number(d.count), num: true },
        { label: 'Keterangan', value: (d) => d.note || '—' },
        { label: 'Status', value: (d) => ANNOUNCED[d.status] || d.status },
        { label: '', value: (d) => {
          if (d.status !== 'announced') return '';
          const b = h('button', { type: 'button', class: 'secondary' }, 'Batalkan');
          b.addEventListener('click', async () => {
            try { await api.cardCancelDelivery(current(), d.id); await Promise.all([loadDeliveries(), loadQueue()]); } catch (err) { fail(err); }
          });
          return b;
        } },
      ], deliveries, { caption: 'Kiriman yang diumumkan kepada kantor ini' }));
  }

  // Asking the next office up for blanko (a kecamatan its Dinas, a Dinas its province), with the
  // measured use and days left; and deciding the requests addressed to this office.
  const ALLOCATION = { open: 'Menunggu keputusan', fulfilled: 'Dipenuhi', declined: 'Ditolak' };
  const allocationNote = h('div', { 'aria-live': 'polite' });  // kept across reloads of the section
  async function loadAllocations() {
    const { requests } = await api.cardAllocations(current());
    if (!isCurrent()) return;
    const many = textField('Jumlah yang diminta', { maxlength: 6, value: '500',
      check: (v) => (/^[0-9]+$/.test(v) && Number(v) >= 1 && Number(v) <= 100000 ? null : 'Jumlah 1 sampai 100.000.') });
    const why = textField('Keterangan', { required: false, maxlength: 200 });
    const note = allocationNote;
    const ask = h('button', { type: 'submit' }, 'Ajukan alokasi');
    const form = h('form', { novalidate: true, class: 'stock-form' }, h('h4', {}, 'Ajukan alokasi blanko'),
      h('p', {}, 'Pemakaian 30 hari terakhir dan sisa hari persediaan ikut tercatat pada permohonan.'), many.el, why.el, note, ask);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      note.replaceChildren();
      const e = many.validate();
      many.showError(e);
      if (e) return;
      ask.disabled = true;
      try {
        const made = await api.cardRequestAllocation(current(), { count: Number(many.value()), note: why.value() });
        note.append(alertBox('success', `Permohonan ${number(made.count)} blanko dikirim ke ${made.addressed_to}.`));
        await loadAllocations();
      } catch (err) {
        if (err.status !== 401) note.append(alertBox('error', err.message));
      } finally {
        ask.disabled = false;
      }
    });
    const decide = (r, fulfilled) => {
      const b = h('button', { type: 'button', class: fulfilled ? '' : 'secondary' }, fulfilled ? 'Dipenuhi' : 'Ditolak');
      b.addEventListener('click', async () => {
        try { await api.cardCloseAllocation(r.id, fulfilled); await loadAllocations(); } catch (err) { fail(err); }
      });
      return b;
    };
    allocationCard.replaceChildren(h('h3', { id: 'alokasi-h' }, 'Permohonan alokasi'), form,
      requests.length === 0 ? h('p', {}, 'Belum ada permohonan alokasi.') : table([
        { label: 'Dari', value: (r) => r.office },
        { label: 'Kepada', value: (r) => r.addressed_to },
        { label: 'Jumlah', value: (r) => number(r.count), num: true },
        { label: 'Sisa saat itu', value: (r) => `${number(r.on_hand)} (${r.days_left == null ? 'lama tidak diketahui' : `±${Math.floor(r.days_left)} hari`})` },
        { label: 'Status', value: (r) => ALLOCATION[r.status] || r.status },
        { label: '', value: (r) => (r.status === 'open' && r.addressed_to === current() ? h('span', {}, decide(r, true), ' ', decide(r, false)) : '') },
      ], requests, { caption: 'Dibuat oleh kantor ini dan yang ditujukan kepadanya' }));
  }

  async function reload() {
    const e = office.validate();
    office.showError(e);
    if (e) return;
    msg.replaceChildren();
    allocationNote.replaceChildren();
    try {
      await loadStock();
      await loadDeliveries();
      await loadAllocations();
      await loadQueue();
    } catch (err) {
      stockCard.replaceChildren(h('h3', { id: 'stok-h' }, 'Persediaan blanko'));
      deliveriesCard.replaceChildren();
      allocationCard.replaceChildren();
      queueCard.replaceChildren(h('h3', { id: 'antrean-h' }, 'Antrean cetak'));
      fail(err);
    }
  }
  show.addEventListener('click', reload);
  office.control.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); reload(); } });
  if (getSession()) await reload();
}
