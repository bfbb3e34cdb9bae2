// Event form pages: validation, idempotent submission, server error display.
import { h, put, alertBox } from '../dom.js';
import { api, NetworkError } from '../api.js';
import { FORMS } from './event-forms.js';
import { go } from '../router.js';
import { isStation } from '../mode.js';

// A station offers only the events it sends to central through its outbox.
const offered = () => Object.entries(FORMS).filter(([, f]) => (isStation() ? f.station : !f.stationOnly));

export function renderEventIndex(main) {
  put(main, h('h2', {}, 'Peristiwa Kependudukan'),
    h('section', { class: 'card' }, h('p', {}, 'Pilih formulir peristiwa:'),
      h('ul', {}, offered().map(([kind, f]) => h('li', {}, h('a', { href: `#/peristiwa/${kind}` }, f.title)))),
      isStation() ? h('p', { class: 'muted' }, 'Peristiwa lain (keluarga baru, pindah, pecah KK, pembetulan) dicatat di Dinas.') : null));
}

export function renderEventForm(main, { params, query }) {
  const spec = FORMS[params.kind];
  if (!spec) { put(main, alertBox('error', 'Formulir tidak dikenal.')); return; }
  if (isStation() && !spec.station) {
    put(main, alertBox('info', `${spec.title} dicatat di Dinas (pusat), tidak di stasiun perekaman.`));
    return;
  }
  if (!isStation() && spec.stationOnly) {
    put(main, alertBox('info', `${spec.title} dicatat di stasiun perekaman kecamatan tujuan.`));
    return;
  }
  const fields = spec.fields(query, { station: isStation() });
  const summary = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Simpan');
  // After a success the form is locked so the same event is not recorded twice by a second click.
  const again = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => go(location.hash.slice(1)) }, 'Isi formulir baru');
  let done = false;
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'form-h' },
    h('h2', { id: 'form-h' }, `Formulir ${spec.title}`),
    spec.help ? h('p', { class: 'muted' }, spec.help) : null,
    Object.values(fields).map((f) => f.el),
    summary,
    h('div', {}, submit, again, h('a', { href: '#/peristiwa', class: 'button secondary' }, 'Batal')));

  // One key per logical submission: kept while the outcome is unknown (network error), so a retry
  // cannot record the event twice; a fresh key after any answer from the server.
  let pendingKey = null;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (done) return;
    summary.replaceChildren();
    let firstInvalid = null;
    for (const f of Object.values(fields)) {
      const e = f.validate();
      f.showError(e);
      if (e && !firstInvalid) firstInvalid = f;
    }
    if (firstInvalid) {
      summary.append(alertBox('error', 'Periksa kembali isian yang ditandai. Data belum dikirim.'));
      const c = firstInvalid.el.querySelector('[aria-invalid=true]') || firstInvalid.el.querySelector('input,select,textarea');
      if (c) c.focus();
      return;
    }
    const body = {};
    for (const [k, f] of Object.entries(fields)) {
      const v = f.value();
      if (v === undefined || v === '') continue;
      body[k] = v;
    }
    if ((spec.endpoint || spec.moveIn) && !body.documents) body.documents = [];
    pendingKey = pendingKey || crypto.randomUUID();
    body.idempotency_key = pendingKey;
    submit.disabled = true;
    summary.append(h('p', { class: 'muted' }, 'Mengirim…'));
    try {
      const r = spec.endpoint ? await api.event(spec.endpoint, body)
        : spec.moveIn ? await api.stationMoveIn(body) : await api.requestCorrection(body);
      pendingKey = null;
      done = true;
      submit.hidden = true;
      again.hidden = false;
      summary.replaceChildren(h('div', { class: 'alert success', role: 'status' }, spec.success(r),
        r.replayed ? ' (Peristiwa ini sudah tercatat sebelumnya; tidak dicatat dua kali.)' : '',
        r.event_id ? h('span', { class: 'muted' }, ` Nomor peristiwa: ${r.event_id}.`) : '',
        // At a station the event also waits in the outbox until central confirms it.
        r.outbox_seq ? h('p', {}, `Tercatat di stasiun ini; dikirim ke pusat saat jaringan tersedia (antrean nomor ${r.outbox_seq}).`) : ''));
    } catch (e) {
      if (e instanceof NetworkError) {
        summary.replaceChildren(alertBox('error', `${e.message} Tekan Simpan lagi untuk mengirim ulang; peristiwa tidak akan tercatat dua kali.`));
      } else {
        pendingKey = null;
        if (e.status === 401) return;
        // Messages start with the field they concern ("date: …", "new_family.address.rt: …"): mark it too.
        const named = /^([a-z_]+)(?=[.[:])/.exec(e.message);
        if (named && fields[named[1]]) fields[named[1]].showError(e.message);
        summary.replaceChildren(h('div', { class: 'alert error server-error', role: 'alert' },
          h('strong', {}, e.status === 409 ? 'Ditolak (konflik): ' : e.status === 403 ? 'Tidak berwenang: ' : 'Ditolak server: '), e.message));
      }
    } finally {
      submit.disabled = false;
    }
  });
  put(main, form);
}
