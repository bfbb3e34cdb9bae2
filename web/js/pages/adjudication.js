// Adjudikasi (central; adjudicator, admin): possible duplicates found by the ABIS, both records side
// by side (photos, each finger pair with its minutiae drawn over the image, per-finger and fused
// scores) and the two-person decision: one adjudicator proposes, another confirms.
import { h, put, table, waktu, alertBox } from '../dom.js';
import { api } from '../api.js';
import { getSession } from '../session.js';
import { textField } from '../widgets.js';
import { fingerName } from '../capture/fingers.js';

export const CASE_STATUS = { open: 'Terbuka', proposed: 'Diusulkan', decided: 'Diputus' };
export const DECISION = { duplicate: 'Duplikat', distinct: 'Bukan duplikat' };
const score = (x) => (typeof x === 'number' ? x.toFixed(3) : '—');

export async function renderAdjudicationList(main, { query, isCurrent }) {
  const filter = query.get('status') || 'aktif';
  const select = h('select', { id: 'adj-status' },
    [['aktif', 'Terbuka dan diusulkan'], ['open', 'Terbuka'], ['proposed', 'Diusulkan'], ['decided', 'Sudah diputus']]
      .map(([v, t]) => h('option', { value: v, selected: v === filter }, t)));
  select.addEventListener('change', () => { location.hash = `#/adjudikasi?status=${select.value}`; });
  const list = h('div', {}, h('p', { class: 'muted' }, 'Memuat kasus…'));
  put(main, h('h2', {}, 'Adjudikasi Data Ganda'),
    h('p', {}, 'Perekaman yang sidik jarinya mirip dengan penduduk lain. Setiap keputusan diusulkan satu adjudikator '
      + 'dan dikonfirmasi adjudikator lain.'),
    h('div', { class: 'card' }, h('label', { for: 'adj-status' }, 'Tampilkan'), select), list);
  const statuses = filter === 'aktif' ? ['open', 'proposed'] : [filter];
  const answers = await Promise.all(statuses.map((s) => api.adjudicationCases(s)));
  if (!isCurrent()) return;
  const cases = answers.flatMap((a) => a.cases || []).sort((a, b) => a.id - b.id);
  list.replaceChildren(cases.length === 0 ? alertBox('info', 'Tidak ada kasus.') : h('section', { class: 'card', 'aria-label': 'Daftar kasus' }, table([
    { label: 'Kasus', value: (c) => h('a', { href: `#/adjudikasi/${c.id}` }, `Kasus ${c.id}`) },
    { label: 'NIK perekaman baru', value: (c) => c.nik },
    { label: 'Mirip dengan NIK', value: (c) => c.candidate_nik },
    { label: 'Skor gabungan', value: (c) => score(c.score), num: true },
    { label: 'Status', value: (c) => CASE_STATUS[c.status] || c.status },
    { label: 'Usulan', value: (c) => (c.proposed_decision ? `${DECISION[c.proposed_decision]} (${c.proposed_by})` : '—') },
    { label: 'Dibuka', value: (c) => waktu(c.created_at_ms) },
  ], cases)));
}

// Minutiae: [x, y, angle (rad, counter-clockwise, y up), "E"|"B"] in a width_px × height_px frame.
function drawMinutiae(canvas, finger, naturalWidth, naturalHeight) {
  canvas.width = naturalWidth;
  canvas.height = naturalHeight;
  const ctx = canvas.getContext('2d');
  const sx = naturalWidth / (finger.width_px || naturalWidth);
  const sy = naturalHeight / (finger.height_px || naturalHeight);
  const r = Math.max(3, Math.round(naturalWidth / 90));
  ctx.lineWidth = Math.max(1.5, r / 3);
  for (const [x, y, angle, type] of finger.minutiae || []) {
    const px = x * sx; const py = y * sy;
    ctx.strokeStyle = type === 'B' ? '#0a6cff' : '#e0241b';
    ctx.beginPath();
    if (type === 'B') ctx.rect(px - r, py - r, 2 * r, 2 * r); else ctx.arc(px, py, r, 0, 2 * Math.PI);
    ctx.moveTo(px + Math.cos(angle) * r, py - Math.sin(angle) * r);
    ctx.lineTo(px + Math.cos(angle) * r * 3.5, py - Math.sin(angle) * r * 3.5);
    ctx.stroke();
  }
  canvas.dataset.minutiae = String((finger.minutiae || []).length);
  canvas.dataset.drawn = 'true';
}

/** An image fetched with the token (blob URL), with an optional minutiae overlay canvas over it. */
function authImage(path, alt, urls, finger) {
  const img = h('img', { alt });
  const canvas = finger ? h('canvas', { class: 'minutiae', 'aria-hidden': 'true' }) : null;
  const box = h('div', { class: 'overlay-box loading' }, img, canvas);
  api.blob(path).then((blob) => {
    const url = URL.createObjectURL(blob);
    urls.push(url);
    img.addEventListener('load', () => {
      box.classList.remove('loading');
      if (canvas) drawMinutiae(canvas, finger, img.naturalWidth, img.naturalHeight);
    }, { once: true });
    img.src = url;
  }).catch((e) => box.replaceChildren(h('p', { class: 'muted' }, `Gambar tidak tersedia: ${e.message}`)));
  return box;
}

function fingerCell(enrollmentId, finger, position, urls, who) {
  if (!finger) return h('p', { class: 'muted' }, 'Tidak ada data jari ini.');
  if (finger.missing_reason) return h('p', { class: 'muted' }, `Tidak direkam: ${finger.missing_reason}`);
  return h('figure', {}, authImage(`/enrollments/${enrollmentId}/fingers/${position}`,
    `Sidik jari ${fingerName(position)} — ${who}`, urls, finger),
  h('figcaption', { class: 'muted' }, `${(finger.minutiae || []).length} minutiae${finger.error ? ` — ${finger.error}` : ''}`));
}

export async function renderAdjudicationCase(main, { params, isCurrent }) {
  const detail = await api.adjudicationCase(params.id);
  if (!isCurrent()) return;
  const c = detail.case;
  const { probe, candidate } = detail;
  const urls = [];
  window.addEventListener('hashchange', () => urls.forEach((u) => URL.revokeObjectURL(u)), { once: true });
  const scoreOf = Object.fromEntries((c.finger_scores || []).map((f) => [f.position, f.score]));
  const byPos = (side) => Object.fromEntries((side.fingers || []).map((f) => [f.position, f]));
  const pf = byPos(probe); const cf = byPos(candidate);
  const positions = [...new Set([...Object.keys(pf), ...Object.keys(cf)].map(Number))].sort((a, b) => a - b);
  const overlayToggle = h('input', { type: 'checkbox', id: 'minutiae-toggle', checked: true });
  const sides = h('div', { class: 'side-by-side' });
  overlayToggle.addEventListener('change', () => sides.classList.toggle('no-overlay', !overlayToggle.checked));

  const head = (side, title) => h('div', { class: 'side-head' }, h('h4', {}, title),
    h('p', {}, `NIK ${side.nik}`), h('p', { class: 'muted' }, `Perekaman ${side.enrollment_id}`),
    authImage(`/enrollments/${side.enrollment_id}/photo`, `Foto wajah NIK ${side.nik}`, urls, null));
  sides.append(h('div', { class: 'pair-row pair-head' }, h('div', { class: 'pair-label' }, h('strong', {}, 'Foto wajah')),
    head(probe, 'Perekaman baru'), head(candidate, 'Sudah ada di pusat')));
  for (const pos of positions) {
    sides.append(h('div', { class: 'pair-row', dataset: { position: String(pos) } },
      h('div', { class: 'pair-label' }, h('strong', {}, `${pos}. ${fingerName(pos)}`),
        h('div', {}, `Skor ${score(scoreOf[pos])}`)),
      fingerCell(probe.enrollment_id, pf[pos], pos, urls, 'perekaman baru'),
      fingerCell(candidate.enrollment_id, cf[pos], pos, urls, 'sudah ada')));
  }

  put(main, h('h2', {}, `Kasus Adjudikasi ${c.id}`),
    h('p', {}, h('a', { href: '#/adjudikasi' }, '← Kembali ke daftar kasus')),
    h('section', { class: 'card', 'aria-labelledby': 'kasus-h' }, h('h3', { id: 'kasus-h' }, 'Ringkasan'),
      h('dl', { class: 'bio' }, [
        ['Status', h('span', { class: 'case-status' }, CASE_STATUS[c.status] || c.status)],
        ['Skor gabungan', h('strong', { class: 'fused-score' }, score(c.score))],
        ['Skor per jari', (c.finger_scores || []).map((f) => `${f.position}: ${score(f.score)}`).join(', ') || '—'],
        ['Perekaman baru', `NIK ${c.nik}`], ['Mirip dengan', `NIK ${c.candidate_nik} (peringkat ${c.candidate_rank})`],
        ['Dibuka', waktu(c.created_at_ms)],
        ['Ketidaksepakatan', String(c.disagreements || 0)],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    decisionPanel(c),
    h('section', { class: 'card', 'aria-labelledby': 'banding-h' }, h('h3', { id: 'banding-h' }, 'Perbandingan'),
      h('div', { class: 'check' }, overlayToggle, ' ', h('label', { for: overlayToggle.id }, 'Tampilkan minutiae')),
      h('p', { class: 'muted legend' }, h('span', { class: 'legend-e' }, '○ akhir garis (E)'), ' ',
        h('span', { class: 'legend-b' }, '□ percabangan (B)'), ' — garis menunjukkan arah.'),
      sides));
}

function decisionPanel(c, notice) {
  const me = getSession()?.username;
  const reason = textField('Alasan keputusan', { multiline: true, maxlength: 500 });
  const msg = h('div', { 'aria-live': 'polite' }, notice ? alertBox('success', notice) : '');
  const buttons = h('div', { class: 'actions' });
  const section = h('section', { class: 'card decision', 'aria-labelledby': 'keputusan-h' }, h('h3', { id: 'keputusan-h' }, 'Keputusan'));

  const act = (fn) => async () => {
    const e = reason.validate();
    reason.showError(e);
    if (e) return;
    msg.replaceChildren();
    buttons.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    try {
      const r = await fn(reason.value());
      const done = r.case;
      const text = done.status === 'decided'
        ? `Kasus ${done.id} diputus: ${DECISION[done.final_decision] || done.final_decision}.`
        : done.status === 'proposed' ? `Usulan tercatat: ${DECISION[done.proposed_decision]}. Menunggu konfirmasi adjudikator lain.`
          : `Konfirmasi tidak sepakat: kasus ${done.id} dibuka kembali.`;
      section.replaceWith(decisionPanel(done, text));
      document.querySelector('.case-status').textContent = CASE_STATUS[done.status] || done.status;
    } catch (err) {
      if (err.status === 401) return;
      msg.replaceChildren(h('div', { class: 'alert error server-error', role: 'alert' }, err.message));
      buttons.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
  };
  const button = (text, cls, fn) => {
    const b = h('button', { type: 'button', class: cls }, text);
    b.addEventListener('click', act(fn));
    return b;
  };

  // Separation of duties: an admin reads the case but does not decide it (the server refuses too).
  if (c.status !== 'decided' && getSession()?.role === 'admin') {
    put(section, alertBox('info', 'Administrator tidak memutus kasus adjudikasi (pemisahan tugas). '
      + 'Keputusan diambil oleh dua adjudikator yang berbeda orang.'));
    return section;
  }
  if (c.status === 'open') {
    buttons.append(button('Duplikat', 'danger', (r) => api.proposeDecision(c.id, 'duplicate', r)),
      button('Bukan duplikat', null, (r) => api.proposeDecision(c.id, 'distinct', r)));
    put(section, h('p', {}, 'Usulkan keputusan. Adjudikator lain akan mengonfirmasinya.'), reason.el, buttons, msg);
  } else if (c.status === 'proposed') {
    buttons.append(button('Setuju', null, (r) => api.confirmDecision(c.id, true, r)),
      button('Tidak setuju', 'secondary', (r) => api.confirmDecision(c.id, false, r)));
    put(section, h('p', { class: 'proposal' }, h('strong', {}, `Usulan: ${DECISION[c.proposed_decision] || c.proposed_decision}`),
      ` oleh ${c.proposed_by}`, c.proposed_reason ? ` — “${c.proposed_reason}”` : ''),
    me === c.proposed_by ? alertBox('info', 'Anda yang mengusulkan; konfirmasi harus oleh adjudikator lain.') : null,
    reason.el, buttons, msg);
  } else {
    put(section, msg, h('p', { class: 'final-decision' }, h('strong', {}, `Diputus: ${DECISION[c.final_decision] || c.final_decision || '—'}`)),
      h('p', {}, `Diusulkan ${c.proposed_by || '—'}${c.proposed_reason ? ` (“${c.proposed_reason}”)` : ''}; `
        + `dikonfirmasi ${c.confirmed_by || '—'}${c.confirmed_reason ? ` (“${c.confirmed_reason}”)` : ''}.`));
  }
  return section;
}
