// Entry point: navigation, routing, session handling.
import { h, clear, alertBox } from './dom.js';
import { api, setUnauthorizedHandler } from './api.js';
import { getSession, clearSession } from './session.js';
import { parseHash, go, matchRoute } from './router.js';
import { renderLogin } from './pages/login.js';
import { renderAccount } from './pages/account.js';
import { renderSearch } from './pages/search.js';
import { renderPerson } from './pages/person.js';
import { renderFamily } from './pages/family.js';
import { renderEventIndex, renderEventForm } from './pages/events.js';
import { renderCorrections } from './pages/corrections.js';
import { renderCoverage } from './pages/coverage.js';
import { renderStandards } from './pages/standards.js';
import { renderResidentStatus } from './pages/resident-status.js';
import { renderWhoLooked } from './pages/who-looked.js';
import { renderBulkMatching } from './pages/bulk-matching.js';
import { renderAdmin } from './pages/admin.js';
import { renderStations } from './pages/stations.js';
import { renderCardProduction } from './pages/card-production.js';
import { renderCardDesk } from './pages/card-desk.js';
import { renderEnrollment } from './pages/enrollment.js';
import { renderStationStatus } from './pages/station-status.js';
import { renderAdjudicationList, renderAdjudicationCase } from './pages/adjudication.js';
import { renderConflicts } from './pages/conflicts.js';
import { detectMode, isStation } from './mode.js';

const STAFF = ['operator', 'supervisor', 'admin'];
const WRITERS = ['operator', 'supervisor'];
const ADJUDICATORS = ['adjudicator', 'admin'];
const EVERYONE = ['operator', 'supervisor', 'adjudicator', 'admin'];
// `mode`: a page only a station (`ektp station`) or only central (`ektp serve`) serves.
const routes = [
  { match: ['masuk'], render: renderLogin, title: 'Masuk' },
  { match: ['akun'], render: renderAccount, roles: EVERYONE, title: 'Akun Saya', nav: 'akun' },
  { match: ['standar-pelayanan'], render: renderStandards, title: 'Standar Pelayanan', nav: 'standar-pelayanan' },
  { match: ['status-ktp'], render: renderResidentStatus, mode: 'central', title: 'Status KTP-el', nav: 'status-ktp' },
  { match: ['siapa-melihat'], render: renderWhoLooked, mode: 'central', title: 'Siapa yang melihat data saya', nav: 'siapa-melihat' },
  { match: ['pemadanan'], render: renderBulkMatching, mode: 'central', title: 'Pemadanan Data Instansi', nav: 'pemadanan' },
  { match: ['cari'], render: renderSearch, roles: STAFF, title: 'Cari Penduduk', nav: 'cari' },
  { match: ['orang', ':nik'], render: renderPerson, roles: STAFF, title: 'Biodata Penduduk', nav: 'cari' },
  { match: ['kk', ':kk'], render: renderFamily, roles: STAFF, title: 'Kartu Keluarga', nav: 'cari' },
  { match: ['peristiwa'], render: renderEventIndex, roles: WRITERS, title: 'Peristiwa Kependudukan', nav: 'peristiwa' },
  { match: ['peristiwa', ':kind'], render: renderEventForm, roles: WRITERS, title: 'Formulir Peristiwa', nav: 'peristiwa' },
  { match: ['persetujuan'], render: renderCorrections, roles: ['supervisor'], mode: 'central', title: 'Persetujuan Pembetulan', nav: 'persetujuan' },
  { match: ['admin'], render: renderAdmin, roles: ['admin'], mode: 'central', title: 'Administrasi', nav: 'admin' },
  { match: ['stasiun'], render: renderStations, roles: ['admin', 'supervisor'], mode: 'central', title: 'Stasiun Perekaman', nav: 'stasiun' },
  { match: ['cetak'], render: renderCardProduction, roles: ['admin', 'supervisor'], mode: 'central', title: 'Cetak KTP-el', nav: 'cetak' },
  { match: ['loket'], render: renderCardDesk, roles: STAFF, mode: 'central', title: 'Loket KTP-el', nav: 'loket' },
  { match: ['cakupan'], render: renderCoverage, roles: STAFF, mode: 'central', title: 'Cakupan Perekaman', nav: 'cakupan' },
  { match: ['cakupan', ':code'], render: renderCoverage, roles: STAFF, mode: 'central', title: 'Cakupan Perekaman', nav: 'cakupan' },
  { match: ['adjudikasi'], render: renderAdjudicationList, roles: ADJUDICATORS, mode: 'central', title: 'Adjudikasi', nav: 'adjudikasi' },
  { match: ['adjudikasi', ':id'], render: renderAdjudicationCase, roles: ADJUDICATORS, mode: 'central', title: 'Kasus Adjudikasi', nav: 'adjudikasi' },
  { match: ['konflik'], render: renderConflicts, roles: ['supervisor', 'admin'], mode: 'central', title: 'Konflik Sinkronisasi', nav: 'konflik' },
  { match: ['perekaman'], render: renderEnrollment, roles: WRITERS, mode: 'station', title: 'Perekaman KTP-el', nav: 'perekaman' },
  { match: ['perekaman', ':nik'], render: renderEnrollment, roles: WRITERS, mode: 'station', title: 'Perekaman KTP-el', nav: 'perekaman' },
  { match: ['antrean'], render: renderStationStatus, roles: STAFF, mode: 'station', title: 'Antrean Kirim', nav: 'antrean' },
];

const NAV = [
  { id: 'perekaman', href: '#/perekaman', text: 'Perekaman', roles: WRITERS, mode: 'station' },
  { id: 'antrean', href: '#/antrean', text: 'Antrean kirim', roles: STAFF, mode: 'station' },
  { id: 'cari', href: '#/cari', text: 'Cari Penduduk', roles: STAFF },
  { id: 'peristiwa', href: '#/peristiwa', text: 'Peristiwa', roles: WRITERS },
  { id: 'persetujuan', href: '#/persetujuan', text: 'Persetujuan Pembetulan', roles: ['supervisor'], mode: 'central' },
  { id: 'konflik', href: '#/konflik', text: 'Konflik Sinkronisasi', roles: ['supervisor', 'admin'], mode: 'central' },
  { id: 'adjudikasi', href: '#/adjudikasi', text: 'Adjudikasi', roles: ADJUDICATORS, mode: 'central' },
  { id: 'cakupan', href: '#/cakupan', text: 'Cakupan Perekaman', roles: STAFF, mode: 'central' },
  { id: 'stasiun', href: '#/stasiun', text: 'Stasiun', roles: ['admin', 'supervisor'], mode: 'central' },
  { id: 'cetak', href: '#/cetak', text: 'Cetak KTP-el', roles: ['admin', 'supervisor'], mode: 'central' },
  { id: 'loket', href: '#/loket', text: 'Loket KTP-el', roles: STAFF, mode: 'central' },
  { id: 'admin', href: '#/admin', text: 'Administrasi', roles: ['admin'], mode: 'central' },
  { id: 'standar-pelayanan', href: '#/standar-pelayanan', text: 'Standar Pelayanan' },
  { id: 'akun', href: '#/akun', text: 'Akun Saya', roles: EVERYONE },
  { id: 'status-ktp', href: '#/status-ktp', text: 'Status KTP-el', mode: 'central' },
  { id: 'siapa-melihat', href: '#/siapa-melihat', text: 'Siapa melihat data saya', mode: 'central' },
  { id: 'pemadanan', href: '#/pemadanan', text: 'Pemadanan (instansi)', mode: 'central' },
];

const currentMode = () => (isStation() ? 'station' : 'central');

/** The first page after login (and for "#/"): what this role does here. */
function homeOf(s) {
  if (!s) return '/masuk';
  if (isStation()) return WRITERS.includes(s.role) ? '/perekaman' : '/antrean';
  return s.role === 'adjudicator' ? '/adjudikasi' : '/cari';
}

let loginNotice = null;

function renderNav(active) {
  const nav = clear(document.getElementById('nav'));
  const s = getSession();
  const items = NAV.filter((n) => (!n.roles || (s && n.roles.includes(s.role))) && (!n.mode || n.mode === currentMode()));
  const ul = h('ul', {}, items.map((n) =>
    h('li', {}, h('a', { href: n.href, 'aria-current': n.id === active ? 'page' : null }, n.text))));
  if (s) {
    ul.append(h('li', { class: 'who' }, `${s.username} (${s.role})`));
    ul.append(h('li', {}, h('button', { type: 'button', onclick: logout }, 'Keluar')));
  } else {
    ul.append(h('li', {}, h('a', { href: '#/masuk', 'aria-current': active === 'masuk' ? 'page' : null }, 'Masuk')));
  }
  nav.append(ul);
}

async function logout() {
  try { await api.logout(); } catch { /* the session ends locally anyway */ }
  clearSession();
  loginNotice = { kind: 'info', text: 'Anda telah keluar.' };
  go('/masuk');
}

let renderSeq = 0;
async function route() {
  const seq = ++renderSeq;
  const { path, query } = parseHash();
  await detectMode();
  if (seq !== renderSeq) return;
  document.body.classList.toggle('station', isStation());
  document.querySelector('.app-title a').textContent = isStation() ? 'ektp — Stasiun Perekaman' : 'ektp — Registrasi Penduduk';
  const main = clear(document.getElementById('konten'));
  let s = getSession();
  if (s && s.expires_at && Date.parse(s.expires_at) < Date.now()) {
    clearSession();
    s = null;
    loginNotice = { kind: 'error', text: 'Sesi berakhir, silakan masuk kembali' };
  }
  if (path.length === 0) { go(homeOf(s)); return; }
  const found = matchRoute(routes, path);
  if (!found) {
    renderNav(null);
    main.append(h('h2', {}, 'Halaman tidak ditemukan'), h('p', {}, h('a', { href: '#/' }, 'Kembali ke beranda')));
    return;
  }
  const { route: r, params } = found;
  if (r.roles && !s) {
    loginNotice = loginNotice || { kind: 'info', text: 'Silakan masuk terlebih dahulu.' };
    sessionStorage.setItem('ektp.after-login', location.hash);
    go('/masuk');
    return;
  }
  // A password-only session of a role that must have a second factor enrols one before anything else.
  if (s && s.second_factor_pending && r.roles && path[0] !== 'akun') { go('/akun'); return; }
  renderNav(r.nav || path[0]);
  document.title = `${r.title} — ektp`;
  if (r.roles && !r.roles.includes(s.role)) {
    main.append(h('h2', {}, r.title), alertBox('error', 'Peran Anda tidak berwenang membuka halaman ini.'));
    return;
  }
  if (r.mode && r.mode !== currentMode()) {
    main.append(h('h2', {}, r.title), alertBox('info', r.mode === 'station'
      ? 'Halaman ini hanya tersedia di stasiun perekaman (ektp station).'
      : 'Halaman ini hanya tersedia di server pusat, bukan di stasiun perekaman.'));
    return;
  }
  const ctx = { params, query, notice: loginNotice, isCurrent: () => seq === renderSeq };
  loginNotice = null;
  try {
    await r.render(main, ctx);
    // Move focus to the new page's heading (screen readers announce it) unless the page focused a field.
    if (seq === renderSeq && !main.contains(document.activeElement)) {
      const heading = main.querySelector('h2');
      if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
    }
  } catch (e) {
    if (e && e.status === 401) return; // handled by the unauthorized handler
    const text = e && e.message ? e.message : String(e);
    if (seq === renderSeq) main.append(alertBox('error', e && e.status === 404 ? `Data tidak ditemukan: ${text}` : text));
  }
}

setUnauthorizedHandler(() => {
  loginNotice = { kind: 'error', text: 'Sesi berakhir, silakan masuk kembali' };
  if (parseHash().path[0] !== 'masuk') sessionStorage.setItem('ektp.after-login', location.hash);
  go('/masuk');
});

// The skip link must not change the hash (that is the router's).
document.querySelector('.skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('konten').focus();
});

window.addEventListener('hashchange', route);
route();
