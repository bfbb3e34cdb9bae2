// Form widgets. Each returns { el, value(), validate() → message|null, showError(msg) }.
// Messages appear next to the field (aria-describedby) so screen readers and tests find them.
import { h, uid } from './dom.js';
import { validNik, dateNotFuture } from './validate.js';
import { regionPicker } from './region-picker.js';
import { DEFAULT_REGENCY } from './config.js';
import { RELATION, DOCUMENT } from './labels.js';

function withError(el, control) {
  const err = h('div', { class: 'field-error', id: uid('err'), role: 'alert' });
  err.hidden = true;
  if (control) control.setAttribute('aria-describedby', err.id);
  el.append(err);
  return (msg) => {
    err.textContent = msg || '';
    err.hidden = !msg;
    if (control) { if (msg) control.setAttribute('aria-invalid', 'true'); else control.removeAttribute('aria-invalid'); }
  };
}

function labelled(text, control, { required, help } = {}) {
  control.id = control.id || uid('f');
  const el = h('div', { class: 'field' },
    h('label', { for: control.id }, text, required ? '' : h('span', { class: 'muted' }, ' (opsional)')),
    control, help ? h('div', { class: 'muted' }, help) : null);
  return el;
}

export function textField(label, { required = true, value = '', maxlength = 200, check, help, multiline = false } = {}) {
  const control = multiline ? h('textarea', { rows: 3, maxlength }) : h('input', { type: 'text', maxlength });
  control.value = value || '';
  const el = labelled(label, control, { required, help });
  const showError = withError(el, control);
  return {
    el, control, showError,
    value: () => control.value.trim(),
    validate() {
      const v = control.value.trim();
      if (!v) return required ? `${label} wajib diisi.` : null;
      return check ? check(v) : null;
    },
  };
}

export function nikField(label, { required = true, value = '' } = {}) {
  const f = textField(label, { required, value, maxlength: 16 });
  f.control.inputMode = 'numeric';
  f.control.autocomplete = 'off';
  f.validate = () => {
    const v = f.control.value.trim();
    if (!v) return required ? `${label} wajib diisi.` : null;
    return validNik(v, label);
  };
  return f;
}

export function dateField(label, { required = true, value = '' } = {}) {
  const control = h('input', { type: 'date' });
  control.value = value || '';
  const el = labelled(label, control, { required });
  const showError = withError(el, control);
  return {
    el, control, showError,
    value: () => control.value,
    validate() {
      if (!control.value) return required ? `${label} wajib diisi.` : null;
      const e = dateNotFuture(control.value);
      return e ? `${label}: ${e}` : null;
    },
  };
}

export function selectField(label, options, { required = true, value = '' } = {}) {
  const control = h('select', {}, h('option', { value: '' }, required ? '— pilih —' : '— tidak diisi —'),
    Object.entries(options).map(([v, text]) => h('option', { value: v }, text)));
  control.value = value || '';
  const el = labelled(label, control, { required });
  const showError = withError(el, control);
  return {
    el, control, showError,
    value: () => control.value,
    validate: () => (required && !control.value ? `${label} wajib dipilih.` : null),
  };
}

/** A list of NIKs, one per line (or separated by commas/spaces). */
export function nikListField(label, { value = '' } = {}) {
  const f = textField(label, { value: value.split(',').join('\n'), multiline: true, maxlength: 4000, help: 'Satu NIK per baris.' });
  const list = () => f.control.value.split(/[\s,;]+/).filter(Boolean);
  f.value = list;
  f.validate = () => {
    const niks = list();
    if (niks.length === 0) return `${label} wajib diisi.`;
    for (const n of niks) { const e = validNik(n, `NIK ${n}`); if (e) return e; }
    if (new Set(niks).size !== niks.length) return `${label}: ada NIK yang tercantum dua kali.`;
    return null;
  };
  return f;
}

function rtRw(label) {
  return textField(label, { maxlength: 3, check: (v) => (/^\d{1,3}$/.test(v) ? null : `${label} harus 1–3 digit angka.`) });
}

/** Street, RT, RW and a cascading village picker → {street, rt, rw, village_code}. */
export function addressField(legend, { initial = DEFAULT_REGENCY } = {}) {
  const street = textField('Alamat (jalan/dusun)');
  const rt = rtRw('RT');
  const rw = rtRw('RW');
  const picker = regionPicker({ depth: 4, initial });
  const el = h('fieldset', {}, h('legend', {}, legend), street.el, h('div', { class: 'row' }, h('div', {}, rt.el), h('div', {}, rw.el)), picker.el);
  const village = picker.selects[3];
  const showVillageError = withError(el, village);
  return {
    el, picker,
    value: () => ({ street: street.value(), rt: rt.value(), rw: rw.value(), village_code: picker.value() }),
    validate() {
      let first = null;
      for (const f of [street, rt, rw]) { const e = f.validate(); f.showError(e); first = first || e; }
      const ve = picker.value() ? null : 'Desa/Kelurahan wajib dipilih.';
      showVillageError(ve);
      return first || ve;
    },
    showError() {},
  };
}

/** A checkbox that enables an inner widget; value() is undefined while unchecked. */
export function optionalGroup(checkLabel, inner) {
  const box = h('input', { type: 'checkbox', id: uid('cb') });
  const el = h('div', {}, h('div', { class: 'check' }, box, ' ', h('label', { for: box.id }, checkLabel)), inner.el);
  inner.el.hidden = true;
  box.addEventListener('change', () => { inner.el.hidden = !box.checked; });
  return {
    el, checkbox: box,
    value: () => (box.checked ? inner.value() : undefined),
    validate: () => (box.checked ? inner.validate() : null),
    showError: (m) => inner.showError(m),
  };
}

/** Supporting document: type + number → [] when the number is empty, else [{type, number}]. */
export function documentField(defaultType) {
  const type = selectField('Jenis dokumen', DOCUMENT, { required: false, value: defaultType });
  const number = textField('Nomor dokumen', { required: false, maxlength: 100 });
  const el = h('fieldset', {}, h('legend', {}, 'Dokumen pendukung'), h('div', { class: 'row' }, h('div', {}, type.el), h('div', {}, number.el)));
  return {
    el,
    value: () => (number.value() ? [{ type: type.value() || defaultType, number: number.value() }] : []),
    validate() {
      const e = number.value() && !type.value() ? 'Jenis dokumen wajib dipilih bila nomor diisi.' : null;
      type.showError(e);
      return e;
    },
    showError() {},
  };
}

/** Family members for a new card: rows of NIK + relation. */
export function membersField() {
  const rows = [];
  const list = h('div', {});
  const add = h('button', { type: 'button', class: 'secondary' }, 'Tambah anggota');
  const el = h('fieldset', {}, h('legend', {}, 'Anggota keluarga (selain kepala keluarga)'), list, add);
  function addRow() {
    const n = rows.length + 1;
    const nik = nikField(`NIK anggota ${n}`, { required: false });
    const rel = selectField(`Hubungan anggota ${n}`, Object.fromEntries(Object.entries(RELATION).filter(([k]) => k !== 'kepala_keluarga')), { required: false });
    rows.push({ nik, rel });
    list.append(h('div', { class: 'row' }, h('div', {}, nik.el), h('div', {}, rel.el)));
  }
  add.addEventListener('click', addRow);
  addRow();
  return {
    el,
    value: () => rows.filter((r) => r.nik.value()).map((r) => ({ nik: r.nik.value(), relation: r.rel.value() })),
    validate() {
      let first = null;
      for (const r of rows) {
        const e1 = r.nik.validate(); r.nik.showError(e1);
        const e2 = r.nik.value() && !r.rel.value() ? `${r.rel.el.querySelector('label').firstChild.textContent} wajib dipilih.` : null;
        r.rel.showError(e2);
        first = first || e1 || e2;
      }
      return first;
    },
    showError() {},
  };
}
