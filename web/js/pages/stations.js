// Stasiun perekaman (central): an admin registers a station for a kecamatan and its operators and
// hands over the one-time provisioning token; the list of stations with their sync state is shown
// to whoever the server lets read it (GET /stations). An admin, or the district's supervisor, gets
// each operator a one-time activation code with which the operator sets their own password at the
// station (no password is ever copied to a station).
import { h, put, table, waktu, alertBox } from '../dom.js';
import { api } from '../api.js';
import { textField } from '../widgets.js';
import { regionPicker } from '../region-picker.js';
import { DEFAULT_REGENCY } from '../config.js';
import { hasRole } from '../session.js';

const STATUS = { registered: 'Terdaftar (belum disiapkan)', active: 'Aktif', revoked: 'Dicabut' };

export async function renderStations(main, { isCurrent }) {
  const id = textField('Kode stasiun', { maxlength: 64, help: 'Contoh: st-332701-1 (huruf kecil, angka, tanda hubung).',
    check: (v) => (/^[a-z0-9][a-z0-9-]*$/.test(v) ? null : 'Kode stasiun hanya huruf kecil, angka dan tanda hubung.') });
  const name = textField('Nama stasiun', { maxlength: 200, help: 'Contoh: Kantor Kecamatan Moga.' });
  const picker = regionPicker({ depth: 3, initial: DEFAULT_REGENCY });
  const districtError = h('div', { class: 'field-error', role: 'alert', hidden: true });
  const operators = textField('Operator (nama pengguna)', { maxlength: 2000, help: 'Pisahkan dengan koma. Kata sandi tidak disalin ke stasiun: setiap operator mengaktifkan akunnya di stasiun dengan kode aktivasi (tombol di daftar stasiun).' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'stasiun-baru-h' },
    h('h3', { id: 'stasiun-baru-h' }, 'Daftarkan stasiun'), id.el, name.el,
    h('fieldset', {}, h('legend', {}, 'Kecamatan layanan'), picker.el, districtError), operators.el, msg,
    h('button', { type: 'submit' }, 'Daftarkan stasiun'));
  const list = h('section', { class: 'card', 'aria-labelledby': 'stasiun-daftar-h' }, h('h3', { id: 'stasiun-daftar-h' }, 'Daftar stasiun'));
  // Where an issued activation code is shown (once; central keeps only its digest).
  const codeMsg = h('div', { 'aria-live': 'polite', class: 'activation-code-result' });
  const mayIssueCodes = hasRole('admin') || hasRole('supervisor');

  async function issueCode(station, username, button) {
    codeMsg.replaceChildren();
    button.disabled = true;
    try {
      const r = await api.operatorActivationCode(station.station_id, username);
      codeMsg.append(h('div', { class: 'alert success', role: 'status' },
        h('p', {}, h('strong', {}, `Kode aktivasi ${r.username} untuk stasiun ${r.station_id}:`)),
        h('p', {}, h('code', { class: 'activation-code' }, r.code)),
        h('p', {}, `Berlaku sampai ${waktu(r.expires_at_ms)}, sekali pakai, hanya di stasiun ini; kode sebelumnya tidak berlaku lagi. `
          + 'Serahkan langsung kepada operator. Di stasiun, operator memilih "Aktifkan akun" pada halaman Masuk dan membuat kata sandinya sendiri.')));
      codeMsg.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      if (e.status !== 401) codeMsg.append(alertBox('error', e.message));
    } finally {
      button.disabled = false;
    }
  }
  function operatorsCell(station) {
    const names = station.operators || [];
    if (names.length === 0) return '—';
    if (!mayIssueCodes || station.status === 'revoked') return names.join(', ');
    return h('ul', { class: 'operator-codes' }, names.map((username) => {
      const button = h('button', { type: 'button', class: 'small', 'aria-label': `Kode aktivasi untuk ${username} di ${station.station_id}` }, 'Kode aktivasi');
      button.addEventListener('click', () => issueCode(station, username, button));
      return h('li', {}, `${username} `, button);
    }));
  }
  put(main, h('h2', {}, 'Stasiun Perekaman'), hasRole('admin') ? form : null, list);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    let bad = false;
    for (const f of [id, name, operators]) { const e = f.validate(); f.showError(e); bad = bad || !!e; }
    const district = picker.value();
    const de = district.length === 6 ? null : 'Kecamatan wajib dipilih.';
    districtError.textContent = de || '';
    districtError.hidden = !de;
    if (bad || de) return;
    const ops = operators.value().split(/[\s,;]+/).filter(Boolean);
    try {
      const r = await api.registerStation({ station_id: id.value(), district_code: district, name: name.value(), operators: ops });
      const command = `umask 077; cat > kode-penyiapan.txt   # tempel kode di atas, lalu Ctrl-D\n`
        + `ektp station init --db sqlite:/var/lib/ektp/station.db --central ${location.origin} `
        + `--station-id ${r.station_id} --code-file kode-penyiapan.txt`;
      msg.append(h('div', { class: 'alert success provisioning', role: 'status' },
        h('p', {}, h('strong', {}, `Stasiun ${r.station_id} terdaftar.`), ' Kode penyiapan hanya ditampilkan sekali dan hanya berlaku sekali. '
          + 'Kode ini memuat sidik kunci server pusat, sehingga stasiun menolak server lain yang menyamar:'),
        h('p', {}, h('code', { class: 'provisioning-token' }, r.provisioning_code)),
        h('p', {}, 'Jalankan di komputer stasiun (kode jangan diketik di baris perintah):'), h('pre', {}, command)));
      await reload();
    } catch (e) {
      if (e.status !== 401) msg.append(h('div', { class: 'alert error server-error', role: 'alert' }, e.message));
    }
  });

  async function reload() {
    let stations;
    try {
      ({ stations } = await api.stations());
    } catch (e) {
      if (e.status === 401 || !isCurrent()) return;
      list.replaceChildren(h('h3', { id: 'stasiun-daftar-h' }, 'Daftar stasiun'),
        alertBox(e.status === 403 ? 'info' : 'error', e.status === 403 ? `Daftar stasiun tidak dapat ditampilkan untuk peran Anda (${e.message}).` : e.message));
      return;
    }
    if (!isCurrent()) return;
    list.replaceChildren(h('h3', { id: 'stasiun-daftar-h' }, 'Daftar stasiun'), codeMsg, stations.length === 0
      ? h('p', {}, 'Belum ada stasiun.')
      : table([
        { label: 'Kode', value: (s) => s.station_id },
        { label: 'Nama', value: (s) => s.name },
        { label: 'Kecamatan', value: (s) => s.district_code },
        { label: 'Status', value: (s) => STATUS[s.status] || s.status },
        { label: 'Operator', value: operatorsCell },
        { label: 'Urutan terakhir diterima', value: (s) => String(s.last_seq), num: true },
        { label: 'Terakhir terhubung', value: (s) => (s.last_seen_at_ms ? waktu(s.last_seen_at_ms) : '—') },
      ], stations));
  }
  await reload();
}
