// Cascading region selects (province → regency → district → village) fed by GET /regions/{code}.
import { h, uid } from './dom.js';
import { api } from './api.js';

const LEVELS = [
  { key: 'province', label: 'Provinsi' },
  { key: 'regency', label: 'Kabupaten/Kota' },
  { key: 'district', label: 'Kecamatan' },
  { key: 'village', label: 'Desa/Kelurahan' },
];

/**
 * depth: how many levels (4 = down to the village, 2 = regency).
 * initial: a code to preselect along its chain ('3327' → province 33, regency 3327).
 * Returns { el, value() → the deepest selected code or '', selects, ready: Promise }.
 */
export function regionPicker({ depth = 4, initial = '', onChange } = {}) {
  const levels = LEVELS.slice(0, depth);
  const selects = levels.map((lv) => h('select', { id: uid('wil'), name: lv.key, disabled: true },
    h('option', { value: '' }, `— pilih ${lv.label} —`)));
  const status = h('span', { class: 'muted', 'aria-live': 'polite' });
  const el = h('div', { class: 'row' }, levels.map((lv, i) =>
    h('div', {}, h('label', { for: selects[i].id }, lv.label), selects[i])), status);

  async function load(level, parentCode, preselect) {
    for (let j = level; j < selects.length; j += 1) {
      selects[j].replaceChildren(h('option', { value: '' }, `— pilih ${levels[j].label} —`));
      selects[j].disabled = true;
    }
    if (level >= selects.length || !parentCode) return;
    status.textContent = 'Memuat wilayah…';
    try {
      const r = await api.region(parentCode);
      for (const c of r.children || []) selects[level].append(h('option', { value: c.code }, c.name));
      selects[level].disabled = false;
      status.textContent = '';
      if (preselect) {
        const want = preselect(level);
        if (want && [...selects[level].options].some((o) => o.value === want)) {
          selects[level].value = want;
          await load(level + 1, want, preselect);
        }
      }
    } catch (e) {
      status.textContent = `Wilayah tidak dapat dimuat: ${e.message}`;
    }
  }

  selects.forEach((s, i) => s.addEventListener('change', async () => {
    if (s.value) await load(i + 1, s.value);
    else await load(i + 1, null);
    if (onChange) onChange(value());
  }));

  function value() {
    for (let i = selects.length - 1; i >= 0; i -= 1) if (selects[i].value) return i === selects.length - 1 ? selects[i].value : '';
    return '';
  }
  const chain = (code) => (level) => {
    const digits = String(code || '').replace(/\D/g, '');
    const len = [2, 4, 6, 10][level];
    return digits.length >= len ? digits.slice(0, len) : '';
  };
  const ready = load(0, 'root', initial ? chain(initial) : null);
  return { el, value, selects, ready };
}
