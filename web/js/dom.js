// Tiny DOM helpers: build elements without innerHTML (all data is treated as text).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Appends children, skipping null/undefined/false and flattening arrays. */
export function put(el, ...children) { append(el, children); return el; }

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

let idCounter = 0;
export function uid(prefix = 'f') { idCounter += 1; return `${prefix}-${idCounter}`; }

/** A table; columns = [{label, value(row) → node|string, num?}] */
export function table(columns, rows, { caption, rowClass } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', { class: 'muted' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', { class: rowClass ? rowClass(row) : null },
        columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.value(row))))))));
}

export function alertBox(kind, text) {
  return h('div', { class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** dd/mm/yyyy display for an ISO date (YYYY-MM-DD...). */
export function tanggal(iso) {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : String(iso);
}

/** "2026-11-23T09:00:00Z" → local readable date-time. */
export function waktu(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'short' }) + ' WIB';
}

/** How long ago a moment (ms since the epoch) was, in words: "5 menit", "2 jam 3 menit", "1 hari 4 jam". */
export function lama(ms, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - ms) / 60000));
  if (minutes < 1) return 'kurang dari 1 menit';
  const d = Math.floor(minutes / 1440); const hr = Math.floor((minutes % 1440) / 60); const m = minutes % 60;
  if (d > 0) return `${d} hari${hr ? ` ${hr} jam` : ''}`;
  if (hr > 0) return `${hr} jam${m ? ` ${m} menit` : ''}`;
  return `${m} menit`;
}
