// The API documentation page (/dokumentasi-api, dokumentasi-api.html): fetches the server's own
// OpenAPI description (GET /api/v1/openapi.json) and shows every route grouped by tag — method,
// path, summary, server, authentication, roles, parameters, request body and answers — then
// every named schema. A search box and a server filter narrow the list. The description's own
// texts are in English; everything around them is in Bahasa Indonesia.
import { h, clear, put } from '../dom.js';
import { refName, richText, schemaAnchor, schemaView } from './schema-view.js';

const DOCUMENT_URL = '/api/v1/openapi.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const SERVERS = { central: 'Pusat (ektp serve)', station: 'Stasiun (ektp station)' };
const ROLES = {
  operator: 'Operator', supervisor: 'Supervisor', adjudicator: 'Adjudikator', admin: 'Admin', agency: 'Instansi',
  resident: 'Penduduk', any: 'Semua pengguna yang sudah masuk',
};
const SCHEMES = {
  sessionToken: 'Token sesi (Authorization: Bearer …)',
  agencyKey: 'Kunci API instansi (Authorization: ApiKey ektp_…)',
  stationId: 'Permintaan stasiun bertanda tangan (X-Ektp-Station, X-Ektp-Counter, X-Ektp-Signature)',
  residentToken: 'Token penduduk (Authorization: Resident …, dari POST /resident/login)',
};
const PLACES = { path: 'jalur', query: 'kueri', header: 'header' };

const $ = (id) => document.getElementById(id);

function anchorOf(method, path) {
  return `rute-${method}-${path}`.replace(/[^A-Za-z0-9_-]+/g, '-');
}

function authText(operation) {
  const security = operation.security || [];
  if (security.length === 0) {
    const roles = operation['x-ektp-roles'];
    return roles ? `Publik; ${roles.join(', ')}` : 'Publik (tanpa token)';
  }
  return security.map((requirement) => {
    const names = Object.keys(requirement);
    return SCHEMES[names[0]] || names.join(' + ');
  }).join(' atau ');
}

function dl(rows) {
  return h('dl', { class: 'bio' }, rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
}

function parametersTable(parameters) {
  if (!parameters.length) return null;
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'muted' }, 'Parameter'),
    h('thead', {}, h('tr', {}, ['Nama', 'Letak', 'Wajib', 'Skema', 'Keterangan'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, parameters.map((p) => h('tr', {},
      h('td', {}, h('code', {}, p.name)), h('td', {}, PLACES[p.in] || p.in), h('td', {}, p.required ? 'ya' : 'tidak'),
      h('td', {}, schemaView(p.schema)), h('td', {}, richText(p.description)))))));
}

function contentBlock(spec, content) {
  if (!content) return h('p', { class: 'muted' }, 'Tanpa isi.');
  const named = (spec.components || {}).schemas || {};
  return Object.entries(content).map(([mime, media]) => h('div', { class: 'isi' },
    h('p', {}, 'Jenis isi: ', h('code', {}, mime)), media.schema ? schemaView(media.schema, named) : null));
}

// components.responses for a {"$ref": "#/components/responses/NAME"}, else the response itself.
function resolveResponse(spec, response) {
  const ref = response && response.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/components/responses/')) return response;
  return (spec.components.responses || {})[ref.slice(23)] || {};
}

function responsesBlock(spec, responses) {
  return h('div', { class: 'jawaban' }, Object.entries(responses).map(([status, raw]) => {
    const response = resolveResponse(spec, raw);
    const shared = raw.$ref && refName(((response.content || {})['application/json'] || {}).schema || {}) === 'Error';
    return h('details', { class: 'jawaban-satu', open: status.startsWith('2') },
      h('summary', {}, h('span', { class: `status s${status[0]}` }, status === 'default' ? 'lainnya' : status), ' ',
        richText(response.description)),
      shared ? h('p', {}, 'Isi: ', h('a', { href: `#${schemaAnchor('Error')}` }, 'Error'), ' (bentuk galat bersama).')
        : contentBlock(spec, response.content));
  }));
}

function operationView(spec, method, path, item, operation) {
  const parameters = [...(item.parameters || []), ...(operation.parameters || [])];
  const servers = (operation['x-ektp-servers'] || []).map((s) => SERVERS[s] || s).join(', ');
  const roles = (operation['x-ektp-roles'] || []).map((r) => ROLES[r] || r).join(', ');
  const body = operation.requestBody;
  const search = `${method} ${path} ${operation.summary || ''} ${operation.description || ''}`.toLowerCase();
  return h('details', {
    class: 'rute', id: anchorOf(method, path),
    dataset: { search, servers: (operation['x-ektp-servers'] || []).join(' ') },
  },
  h('summary', {}, h('span', { class: `metode ${method}` }, method.toUpperCase()), ' ',
    h('code', { class: 'jalur' }, `${spec.basePath}${path}`), ' ', h('span', { class: 'ringkas' }, operation.summary || '')),
  dl([['Server', servers], ['Autentikasi', authText(operation)], ['Peran', roles],
    ['Keterangan', operation.description ? richText(operation.description) : null]]),
  parametersTable(parameters),
  body ? h('section', { class: 'bagian' }, h('h4', {}, body.required ? 'Isi permintaan (wajib)' : 'Isi permintaan (opsional)'),
    contentBlock(spec, body.content)) : null,
  h('section', { class: 'bagian' }, h('h4', {}, 'Jawaban'), responsesBlock(spec, operation.responses || {})));
}

function groups(spec) {
  const byTag = new Map((spec.tags || []).map((tag) => [tag.name, { tag, operations: [] }]));
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const name = (operation.tags || ['Lainnya'])[0];
      if (!byTag.has(name)) byTag.set(name, { tag: { name }, operations: [] });
      byTag.get(name).operations.push({ method, path, item, operation });
    }
  }
  return [...byTag.values()].filter((g) => g.operations.length > 0);
}

function tagId(name) { return `tag-${name.replace(/[^A-Za-z0-9]+/g, '-')}`; }

function render(spec) {
  spec.basePath = ((spec.servers || [])[0] || {}).url || '';
  const grouped = groups(spec);
  const count = grouped.reduce((n, g) => n + g.operations.length, 0);
  put(clear($('ringkasan')),
    dl([['Judul', spec.info.title], ['Versi API', spec.info.version], ['OpenAPI', spec.openapi],
      ['Alamat dasar', h('code', {}, spec.basePath)], ['Jumlah rute', String(count)],
      ['Dokumen', h('a', { href: DOCUMENT_URL }, 'openapi.json')]]),
    h('details', {}, h('summary', {}, 'Pengantar (bahasa Inggris)'),
      (spec.info.description || '').split('\n\n').map((p) => h('p', {}, richText(p)))));
  put(clear($('daftar-isi')), h('ul', { class: 'plain-list' }, grouped.map((g) => h('li', {},
    h('a', { href: `#${tagId(g.tag.name)}` }, g.tag.name), ` (${g.operations.length})`))));
  put(clear($('rute')), grouped.map((g) => h('section', { class: 'card tag', id: tagId(g.tag.name) },
    h('h2', {}, g.tag.name), g.tag.description ? h('p', { class: 'muted' }, richText(g.tag.description)) : null,
    g.operations.map((o) => operationView(spec, o.method, o.path, o.item, o.operation)))));
  const schemas = Object.entries((spec.components || {}).schemas || {});
  put(clear($('skema')), h('h2', {}, 'Skema'),
    h('p', { class: 'muted' }, 'Bentuk data yang dirujuk oleh rute di atas.'),
    schemas.map(([name, schema]) => h('section', { class: 'skema-satu', id: schemaAnchor(name) },
      h('h3', {}, name), schemaView(schema))));
  $('skema').hidden = false;
  filter();
}

// Shows the routes that contain every word of the search and run on the chosen server.
function filter() {
  const words = $('cari').value.toLowerCase().split(/\s+/).filter(Boolean);
  const server = $('server').value;
  let shown = 0; let total = 0;
  for (const section of document.querySelectorAll('section.tag')) {
    let any = false;
    for (const route of section.querySelectorAll('details.rute')) {
      total += 1;
      const visible = words.every((w) => route.dataset.search.includes(w))
        && (server === '' || route.dataset.servers.split(' ').includes(server));
      route.hidden = !visible;
      if (visible) { any = true; shown += 1; }
    }
    section.hidden = !any;
  }
  $('jumlah').textContent = shown === total ? `${total} rute` : `${shown} dari ${total} rute`;
}

async function start() {
  $('cari').addEventListener('input', filter);
  $('server').addEventListener('change', filter);
  try {
    const response = await fetch(DOCUMENT_URL, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`server menjawab ${response.status}`);
    render(await response.json());
    $('status').textContent = '';
    if (window.location.hash) document.getElementById(window.location.hash.slice(1))?.scrollIntoView();
  } catch (error) {
    $('status').textContent = `Deskripsi API tidak dapat dimuat: ${error.message}. Coba muat ulang halaman.`;
    $('status').className = 'alert error';
  }
}

start();
