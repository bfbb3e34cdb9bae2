#!/usr/bin/env node
// In-memory mock of the ektp HTTP API v1 (docs/api.md) that also serves web/ like the C++ server.
// No dependencies. Usage: node web/tests/mock-server.mjs [PORT]   (PORT 0 = any free port)
// Prints one line "mock-server listening on http://127.0.0.1:PORT demo_nik=NIK" when ready.
// Users (role = name): EKTP_{ADMIN,OPERATOR,SUPERVISOR}_{USER,PASSWORD}, defaults admin/admin-rahasia etc.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const WEB_ROOT = path.resolve(here, '..');
const DATA = path.resolve(here, '../../data/wilayah');
const OPENAPI = path.resolve(here, '../../docs/openapi.json');

// ---------- errors ----------
class HttpError extends Error {
  constructor(status, code, message, reason) { super(message); this.status = status; this.code = code; this.reason = reason; }
}
const bad = (msg) => new HttpError(400, 'invalid_argument', msg);
const notFound = (msg) => new HttpError(404, 'not_found', msg);
const conflict = (msg) => new HttpError(409, 'conflict', msg);

// ---------- regions ----------
function parseCsv(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const cells = []; let cur = ''; let q = false;
    for (let i = 0; i < line.length; i += 1) {
      const ch = line[i];
      if (q) { if (ch === '"' && line[i + 1] === '"') { cur += '"'; i += 1; } else if (ch === '"') q = false; else cur += ch; }
      else if (ch === '"') q = true; else if (ch === ',') { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows.slice(1);
}
const regions = new Map(); // code → {code,name,level,parent}
const childrenOf = new Map();
for (const [file, level] of [['provinces', 'province'], ['regencies', 'regency'], ['districts', 'district'], ['villages', 'village']]) {
  for (const [code, parent, name] of parseCsv(fs.readFileSync(path.join(DATA, `${file}.csv`), 'utf8'))) {
    const p = parent || 'root';
    regions.set(code, { code, name, level, parent: p });
    if (!childrenOf.has(p)) childrenOf.set(p, []);
    childrenOf.get(p).push(code);
  }
}
const regionName = (code) => regions.get(code)?.name || '';

// ---------- dates ----------
function todayJakarta() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function validDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
function checkDate(field, s) {
  if (s === undefined || s === null || s === '') throw bad(`${field}: required`);
  if (!validDate(s)) throw bad(`${field}: "${s}" is not a date (YYYY-MM-DD)`);
  if (s > todayJakarta()) throw bad(`${field}: ${s} is in the future`);
}
function ageOn(birth, on = todayJakarta()) {
  let age = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  if (on.slice(5) < birth.slice(5)) age -= 1;
  return age;
}

// ---------- numbering ----------
const serials = new Map();
function nextSerial(prefix) { const n = (serials.get(prefix) || 0) + 1; serials.set(prefix, n); return String(n).padStart(4, '0'); }
function newNik(districtCode, birthDate, sex) {
  const [y, m, d] = birthDate.split('-');
  const dd = String(Number(d) + (sex === 'F' ? 40 : 0)).padStart(2, '0');
  const prefix = `${districtCode}${dd}${m}${y.slice(2)}`;
  return prefix + nextSerial(prefix);
}
function newKk(districtCode, issued = todayJakarta()) {
  const [y, m, d] = issued.split('-');
  const prefix = `${districtCode}${d}${m}${y.slice(2)}`;
  return prefix + nextSerial('KK' + prefix);
}

// ---------- vocabularies ----------
const VOCAB = {
  religion: ['islam', 'kristen', 'katolik', 'hindu', 'buddha', 'khonghucu', 'kepercayaan'],
  marital_status: ['belum_kawin', 'kawin', 'cerai_hidup', 'cerai_mati'],
  relation: ['kepala_keluarga', 'suami', 'istri', 'anak', 'menantu', 'cucu', 'orang_tua', 'mertua', 'famili_lain', 'lainnya'],
  education: ['tidak_sekolah', 'belum_tamat_sd', 'sd', 'smp', 'sma', 'd1', 'd3', 's1', 's2', 's3'],
  blood_type: ['A', 'B', 'AB', 'O', '-'],
  citizenship: ['WNI', 'WNA'],
  sex: ['M', 'F'],
};
function checkVocab(field, value, vocab = VOCAB[field]) {
  if (!vocab.includes(value)) throw bad(`${field}: "${value}" is not one of ${vocab.join(', ')}`);
}
function checkNik(field, nik) {
  if (typeof nik !== 'string' || nik === '') throw bad(`${field}: required`);
  if (!/^\d{16}$/.test(nik)) throw bad(`${field}: a NIK has 16 digits, got "${nik}"`);
}
function checkText(field, v, max = 200) {
  if (typeof v !== 'string' || v.trim() === '') throw bad(`${field}: required`);
  if (v.length > max) throw bad(`${field}: longer than ${max} characters`);
}

// ---------- state ----------
const persons = new Map(); // nik → stored person
const families = new Map(); // kk → {kk_number, head_nik, street, rt, rw, village_code, issued_on, active}
const events = []; // {id,type,occurred_on,recorded_at,actor,documents,payload,subjects}
const idempotency = new Map(); // key → {hash, status, body}
const corrections = new Map();
let correctionSeq = 0;

function addEvent(type, occurredOn, actor, documents, payload, subjects) {
  const e = { id: events.length + 1, type, occurred_on: occurredOn, recorded_at: new Date().toISOString(), actor, documents: documents || [], payload, subjects };
  events.push(e);
  return e;
}
function mustPerson(field, nik, { alive = true } = {}) {
  checkNik(field, nik);
  const p = persons.get(nik);
  if (!p) throw notFound(`${field}: no person with NIK ${nik}`);
  if (alive && !p.alive) throw conflict(`${field}: ${nik} is deceased`);
  return p;
}
function membersOf(kk) { return [...persons.values()].filter((p) => p.kk_number === kk && p.alive); }

function addressView(rec) {
  const v = rec.village_code; const d = v.slice(0, 6); const r = v.slice(0, 4); const pr = v.slice(0, 2);
  return { street: rec.street, rt: rec.rt, rw: rec.rw, village_code: v, village: regionName(v), district_code: d, district: regionName(d), regency_code: r, regency: regionName(r), province_code: pr, province: regionName(pr) };
}
function wajib(p) {
  const age = ageOn(p.birth_date);
  if (!p.alive) return { required: false, reason: 'sudah meninggal' };
  if (age >= 17) return { required: true, reason: `berumur ${age} tahun (17 tahun atau lebih)` };
  if (p.marital_status !== 'belum_kawin') return { required: true, reason: 'sudah/pernah kawin' };
  return { required: false, reason: `berumur ${age} tahun dan belum kawin` };
}
function personView(p) {
  const { street, rt, rw, village_code, ...rest } = p;
  return { ...rest, address: addressView(p), age: ageOn(p.birth_date), wajib_ktp: wajib(p) };
}
function familyView(f) {
  return {
    kk_number: f.kk_number, head_nik: f.head_nik, address: addressView(f), issued_on: f.issued_on, active: f.active,
    members: [...persons.values()].filter((p) => p.kk_number === f.kk_number).map(personView),
  };
}

// ---------- demo data ----------
const MALE = ['Ahmad Santoso', 'Budi Hartono', 'Slamet Riyadi', 'Agus Purnomo', 'Eko Prasetyo', 'Joko Susilo', 'Wahyu Nugroho'];
const FEMALE = ['Siti Aminah', 'Sri Wahyuni', 'Dewi Lestari', 'Nur Hidayah', 'Tri Utami', 'Endang Rahayu', 'Rina Kusuma'];
const CHILD_M = ['Rizky Ramadhan', 'Dimas Saputra', 'Fajar Maulana'];
const CHILD_F = ['Putri Ayu', 'Aulia Rahma', 'Nabila Zahra'];
function demoPerson(district, village, kk, relation, name, birth, sex, extra = {}) {
  const nik = newNik(district, birth, sex);
  const p = {
    nik, kk_number: kk, relation, name, birth_place: 'Pemalang', birth_date: birth, sex, blood_type: 'O', religion: 'islam',
    marital_status: 'belum_kawin', occupation: 'Pelajar/Mahasiswa', education: 'sd', citizenship: 'WNI', father_name: '', mother_name: '',
    street: `Jl. Raya ${regionName(district)}`, rt: '001', rw: '002', village_code: village, alive: true, death_date: '', enrolled: false, card_printed: false, version: 1, ...extra,
  };
  persons.set(nik, p);
  addEvent('registration', birth, 'migrasi', [], { note: 'data awal' }, [nik]);
  return p;
}
function seed(regency = '3327') {
  let i = 0;
  for (const district of childrenOf.get(regency) || []) {
    const village = (childrenOf.get(district) || [])[0];
    for (let f = 0; f < 3; f += 1, i += 1) {
      const kk = newKk(district, '2015-03-0' + (1 + f));
      const hy = 1970 + (i % 15); const wy = hy + 3;
      const head = demoPerson(district, village, kk, 'kepala_keluarga', MALE[i % MALE.length], `${hy}-0${1 + (i % 9)}-1${i % 10}`, 'M',
        { marital_status: 'kawin', occupation: 'Petani/Pekebun', education: 'sma', enrolled: true, card_printed: i % 3 !== 0, father_name: 'Karto', mother_name: 'Sumirah' });
      const wife = demoPerson(district, village, kk, 'istri', FEMALE[i % FEMALE.length], `${wy}-1${i % 3}-0${1 + (i % 9)}`, 'F',
        { marital_status: 'kawin', occupation: 'Mengurus Rumah Tangga', education: 'smp', enrolled: i % 4 !== 0, card_printed: i % 5 === 0, father_name: 'Darmo', mother_name: 'Painah' });
      const kids = 1 + (i % 2);
      for (let k = 0; k < kids; k += 1) {
        const sex = (i + k) % 2 ? 'F' : 'M';
        const by = 2008 + ((i + k * 3) % 12);
        demoPerson(district, village, kk, 'anak', (sex === 'F' ? CHILD_F : CHILD_M)[(i + k) % 3] + ' ' + head.name.split(' ')[1], `${by}-0${1 + k}-2${k}`, sex,
          { father_name: head.name, mother_name: wife.name, enrolled: ageOn(`${by}-01-01`) >= 17 });
      }
      if (district.endsWith('01') && f === 0) { // Moga: an enrolled 14-year-old → recorded > required (an anomaly)
        demoPerson(district, village, kk, 'anak', 'Bagus ' + head.name.split(' ')[1], '2012-05-05', 'M', { father_name: head.name, mother_name: wife.name, enrolled: true });
      }
      families.set(kk, { kk_number: kk, head_nik: head.nik, street: head.street, rt: head.rt, rw: head.rw, village_code: village, issued_on: '2015-03-0' + (1 + f), active: true });
      if (district.endsWith('01')) { head.enrolled = true; wife.enrolled = true; }
    }
  }
}
seed();
const DEMO_NIK = [...families.values()][0].head_nik;

// ---------- auth ----------
const users = new Map();
for (const role of ['admin', 'operator', 'supervisor']) {
  const R = role.toUpperCase();
  users.set(process.env[`EKTP_${R}_USER`] || role, { password: process.env[`EKTP_${R}_PASSWORD`] || `${role}-rahasia`, role, approval: 'approved' });
}
// The second admin of the two-person rule (docs/api.md, POST /users/{username}/approve).
users.set(process.env.EKTP_ADMIN2_USER || 'admin2', { password: process.env.EKTP_ADMIN2_PASSWORD || 'admin2-rahasia', role: 'admin', approval: 'approved' });
const tokens = new Map(); // token → {username, role, expires}
function auth(req, roles) {
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization || '');
  const t = m && tokens.get(m[1]);
  if (!t || t.expires < Date.now()) throw new HttpError(401, 'unauthenticated', 'missing or expired token');
  if (roles && !roles.includes(t.role)) throw new HttpError(403, 'permission_denied', `role ${t.role} may not do this`);
  return { ...t, token: m[1] };
}
const READERS = ['operator', 'supervisor', 'admin'];
const WRITERS = ['operator', 'supervisor'];

// ---------- writes ----------
function checkAddress(field, a) {
  if (!a || typeof a !== 'object') throw bad(`${field}: required`);
  checkText(`${field}.street`, a.street);
  for (const k of ['rt', 'rw']) if (typeof a[k] !== 'string' || !/^\d{1,3}$/.test(a[k])) throw bad(`${field}.${k}: 1 to 3 digits`);
  const r = regions.get(a.village_code);
  if (!r || r.level !== 'village') throw bad(`${field}.village_code: "${a.village_code}" is not a village code`);
  return { street: a.street.trim(), rt: a.rt.padStart(3, '0'), rw: a.rw.padStart(3, '0'), village_code: a.village_code };
}
function checkDocuments(docs) {
  if (docs === undefined) return [];
  if (!Array.isArray(docs)) throw bad('documents: must be a list');
  docs.forEach((d, i) => { if (!d || typeof d.type !== 'string' || !d.type || typeof d.number !== 'string' || !d.number) throw bad(`documents[${i}]: type and number are required`); });
  return docs;
}
function newFamily(head, members, addr, actor) {
  const kk = newKk(addr.village_code.slice(0, 6));
  families.set(kk, { kk_number: kk, head_nik: head.nik, ...addr, issued_on: todayJakarta(), active: true });
  const olds = new Set([head.kk_number, ...members.map((m) => m.p.kk_number)]);
  head.kk_number = kk; head.relation = 'kepala_keluarga'; Object.assign(head, addr); head.version += 1;
  for (const m of members) { m.p.kk_number = kk; m.p.relation = m.relation; Object.assign(m.p, addr); m.p.version += 1; }
  for (const old of olds) { const f = families.get(old); if (f && membersOf(old).length === 0) f.active = false; }
  return kk;
}

const handlers = {
  birth(b, actor) {
    checkText('name', b.name); checkText('birth_place', b.birth_place); checkDate('birth_date', b.birth_date); checkVocab('sex', b.sex);
    const mother = mustPerson('mother_nik', b.mother_nik);
    if (mother.sex !== 'F') throw bad(`mother_nik: ${b.mother_nik} is not a woman`);
    if (b.birth_date <= mother.birth_date) throw bad(`birth_date: ${b.birth_date} is not after the mother's birth date ${mother.birth_date}`);
    let father = null;
    if (b.father_nik) { father = mustPerson('father_nik', b.father_nik); if (father.sex !== 'M') throw bad(`father_nik: ${b.father_nik} is not a man`); }
    if (b.religion !== undefined) checkVocab('religion', b.religion);
    if (b.blood_type !== undefined) checkVocab('blood_type', b.blood_type);
    const docs = checkDocuments(b.documents);
    const district = mother.village_code.slice(0, 6);
    const nik = newNik(district, b.birth_date, b.sex);
    persons.set(nik, {
      nik, kk_number: mother.kk_number, relation: 'anak', name: b.name.trim(), birth_place: b.birth_place.trim(), birth_date: b.birth_date, sex: b.sex,
      blood_type: b.blood_type || '-', religion: b.religion || mother.religion, marital_status: 'belum_kawin', occupation: 'Belum/Tidak Bekerja',
      education: 'tidak_sekolah', citizenship: 'WNI', father_name: father ? father.name : '', mother_name: mother.name,
      street: mother.street, rt: mother.rt, rw: mother.rw, village_code: mother.village_code, alive: true, death_date: '', enrolled: false, card_printed: false, version: 1,
    });
    const e = addEvent('birth', b.birth_date, actor, docs, { name: b.name, mother_nik: mother.nik, father_nik: father?.nik }, [nik, mother.nik, ...(father ? [father.nik] : [])]);
    return { event_id: e.id, nik, kk_number: mother.kk_number };
  },
  death(b, actor) {
    const p = mustPerson('nik', b.nik);
    checkDate('date', b.date);
    if (b.date < p.birth_date) throw bad(`date: death date ${b.date} is before the birth date ${p.birth_date}`);
    checkText('place', b.place);
    const docs = checkDocuments(b.documents);
    p.alive = false; p.death_date = b.date; p.version += 1;
    for (const s of persons.values()) {
      if (s.alive && s.kk_number === p.kk_number && s.marital_status === 'kawin' && ['kepala_keluarga', 'istri', 'suami'].includes(s.relation) && ['kepala_keluarga', 'istri', 'suami'].includes(p.relation)) { s.marital_status = 'cerai_mati'; s.version += 1; }
    }
    const e = addEvent('death', b.date, actor, docs, { place: b.place }, [p.nik]);
    return { event_id: e.id };
  },
  marriage(b, actor) {
    const hb = mustPerson('husband_nik', b.husband_nik); const w = mustPerson('wife_nik', b.wife_nik);
    if (hb.sex !== 'M') throw bad(`husband_nik: ${hb.nik} is not a man`);
    if (w.sex !== 'F') throw bad(`wife_nik: ${w.nik} is not a woman`);
    checkDate('date', b.date);
    for (const [f, p] of [['husband_nik', hb], ['wife_nik', w]]) {
      if (p.marital_status === 'kawin') throw conflict(`${f}: ${p.nik} is already married`);
      if (ageOn(p.birth_date, b.date) < 19) throw conflict(`${f}: ${p.nik} is younger than 19 on ${b.date}`);
    }
    const docs = checkDocuments(b.documents);
    let kk;
    if (b.new_family) {
      const addr = checkAddress('new_family.address', b.new_family.address);
      kk = newFamily(hb, [{ p: w, relation: 'istri' }], addr, actor);
    }
    hb.marital_status = 'kawin'; w.marital_status = 'kawin'; hb.version += 1; w.version += 1;
    const e = addEvent('marriage', b.date, actor, docs, { husband_nik: hb.nik, wife_nik: w.nik }, [hb.nik, w.nik]);
    return kk ? { event_id: e.id, kk_number: kk } : { event_id: e.id };
  },
  divorce(b, actor) {
    const hb = mustPerson('husband_nik', b.husband_nik); const w = mustPerson('wife_nik', b.wife_nik);
    checkDate('date', b.date);
    if (hb.marital_status !== 'kawin' || w.marital_status !== 'kawin') throw conflict('husband_nik, wife_nik: the two are not married');
    const docs = checkDocuments(b.documents);
    hb.marital_status = 'cerai_hidup'; w.marital_status = 'cerai_hidup'; hb.version += 1; w.version += 1;
    const e = addEvent('divorce', b.date, actor, docs, {}, [hb.nik, w.nik]);
    return { event_id: e.id };
  },
  move(b, actor) {
    if (!Array.isArray(b.niks) || b.niks.length === 0) throw bad('niks: at least one NIK is required');
    const ps = b.niks.map((n, i) => mustPerson(`niks[${i}]`, n));
    checkDate('date', b.date);
    const to = checkAddress('to', b.to);
    const docs = checkDocuments(b.documents);
    const kk0 = ps[0].kk_number;
    const whole = ps.every((p) => p.kk_number === kk0) && membersOf(kk0).length === ps.length;
    let kk;
    if (whole) {
      kk = kk0; Object.assign(families.get(kk0), to);
      for (const p of ps) { Object.assign(p, to); p.version += 1; }
    } else {
      const head = ps.find((p) => p.relation === 'kepala_keluarga') || ps[0];
      kk = newFamily(head, ps.filter((p) => p !== head).map((p) => ({ p, relation: p.relation === 'kepala_keluarga' ? 'lainnya' : p.relation })), to, actor);
    }
    const e = addEvent('move', b.date, actor, docs, { to }, ps.map((p) => p.nik));
    return { event_id: e.id, kk_number: kk };
  },
  'family-split'(b, actor) {
    if (!Array.isArray(b.niks) || b.niks.length === 0) throw bad('niks: at least one NIK is required');
    const ps = b.niks.map((n, i) => mustPerson(`niks[${i}]`, n));
    const head = mustPerson('head_nik', b.head_nik);
    if (!b.niks.includes(b.head_nik)) throw bad('head_nik: must be one of niks');
    checkDate('date', b.date);
    const addr = b.address ? checkAddress('address', b.address) : { street: head.street, rt: head.rt, rw: head.rw, village_code: head.village_code };
    const docs = checkDocuments(b.documents);
    const kk = newFamily(head, ps.filter((p) => p !== head).map((p) => ({ p, relation: p.relation === 'kepala_keluarga' ? 'lainnya' : p.relation })), addr, actor);
    const e = addEvent('family_split', b.date, actor, docs, {}, ps.map((p) => p.nik));
    return { event_id: e.id, kk_number: kk };
  },
  'new-family'(b, actor) {
    const head = mustPerson('head_nik', b.head_nik);
    if (!Array.isArray(b.members)) throw bad('members: must be a list');
    const members = b.members.map((m, i) => {
      const p = mustPerson(`members[${i}].nik`, m && m.nik);
      checkVocab(`members[${i}].relation`, m.relation, VOCAB.relation.filter((r) => r !== 'kepala_keluarga'));
      return { p, relation: m.relation };
    });
    const addr = checkAddress('address', b.address);
    const docs = checkDocuments(b.documents);
    const kk = newFamily(head, members, addr, actor);
    const e = addEvent('new_family', todayJakarta(), actor, docs, {}, [head.nik, ...members.map((m) => m.p.nik)]);
    return { event_id: e.id, kk_number: kk };
  },
};

function correction(b, actor) {
  const p = mustPerson('nik', b.nik);
  if (!b.fields || typeof b.fields !== 'object' || Object.keys(b.fields).length === 0) throw bad('fields: at least one field is required');
  for (const [k, v] of Object.entries(b.fields)) {
    if (['religion', 'education', 'blood_type'].includes(k)) checkVocab(`fields.${k}`, v);
    else if (['name', 'birth_place', 'occupation'].includes(k)) checkText(`fields.${k}`, v);
    else throw bad(`fields.${k}: this field cannot be corrected here`);
  }
  checkText('reason', b.reason, 1000);
  correctionSeq += 1;
  const c = { id: correctionSeq, nik: p.nik, fields: b.fields, reason: b.reason, requested_by: actor, status: 'pending', decided_by: '' };
  corrections.set(c.id, c);
  const e = addEvent('correction_requested', todayJakarta(), actor, [], { correction_id: c.id, fields: b.fields }, [p.nik]);
  return { event_id: e.id, correction_id: c.id, status: 'pending' };
}

function idempotent(body, fn) {
  const key = body.idempotency_key;
  if (typeof key !== 'string' || key.length < 1 || key.length > 100) throw bad('idempotency_key: required, 1 to 100 characters');
  const hash = crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const prev = idempotency.get(key);
  if (prev) {
    if (prev.hash !== hash) throw conflict('idempotency_key: already used with another request body');
    return [200, { ...prev.body, replayed: true }];
  }
  const result = { ...fn(), replayed: false };
  idempotency.set(key, { hash, body: result });
  return [201, result];  // like the server: 201 when recorded now, 200 for a replay
}

// ---------- PDF ----------
function pdf(title, lines) {
  const esc = (s) => String(s).normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/([()\\])/g, '\\$1');
  const text = ['BT /F1 14 Tf 50 790 Td', `(${esc(title)}) Tj /F1 10 Tf`, ...lines.map((l) => `0 -16 Td (${esc(l)}) Tj`), 'ET'].join('\n');
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>', `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`];
  let out = '%PDF-1.4\n'; const offs = [];
  objs.forEach((o, i) => { offs.push(Buffer.byteLength(out)); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ---------- reads ----------
function coverage(code) {
  const reg = regions.get(code);
  if (!reg || reg.level !== 'regency') throw notFound(`regency_code: "${code}" is not a regency`);
  const zero = () => ({ persons: 0, wajib_ktp: 0, sudah_rekam: 0, belum_rekam: 0, persen_rekam: 0, sudah_cetak: 0 });
  const total = zero();
  const districts = (childrenOf.get(code) || []).map((dc) => {
    const d = { code: dc, name: regionName(dc), ...zero(), anomalies: [] };
    for (const p of persons.values()) {
      if (!p.alive || p.village_code.slice(0, 6) !== dc) continue;
      const w = wajib(p).required;
      d.persons += 1; if (w) d.wajib_ktp += 1; if (p.enrolled) d.sudah_rekam += 1; if (w && !p.enrolled) d.belum_rekam += 1; if (p.card_printed) d.sudah_cetak += 1;
    }
    d.persen_rekam = d.wajib_ktp ? Math.round((1000 * d.sudah_rekam) / d.wajib_ktp) / 10 : 0;
    if (d.sudah_rekam > d.wajib_ktp) d.anomalies.push('sudah rekam melebihi wajib KTP');
    for (const k of Object.keys(total)) if (k !== 'persen_rekam') total[k] += d[k];
    return d;
  });
  total.persen_rekam = total.wajib_ktp ? Math.round((1000 * total.sudah_rekam) / total.wajib_ktp) / 10 : 0;
  return { regency: { code, name: reg.name }, as_of: todayJakarta(), districts, total: { code, name: reg.name, ...total, anomalies: [] } };
}

const SERVICE_STANDARDS = {
  law: 'UU 25/2009 tentang Pelayanan Publik',
  services: [
    { id: 'ktp-el', name: 'Perekaman dan Penerbitan KTP-el', requirements: ['Berumur 17 tahun atau sudah/pernah kawin', 'Fotokopi Kartu Keluarga'],
      steps: ['Datang ke kantor kecamatan dengan membawa KK', 'Verifikasi biodata oleh petugas', 'Perekaman foto, tanda tangan, sidik jari dan iris', 'Pencetakan KTP-el setelah deduplikasi'], time: '14 hari kerja', cost: 'Rp 0' },
    { id: 'akta-kelahiran', name: 'Akta Kelahiran', requirements: ['Surat keterangan lahir dari dokter/bidan', 'Kartu Keluarga orang tua', 'KTP-el orang tua'],
      steps: ['Isi formulir F-2.01', 'Serahkan berkas ke petugas', 'Akta diterbitkan'], time: '1 hari kerja', cost: 'Rp 0' },
  ],
  complaint: { name: 'Pengaduan layanan', channels: ['Loket pengaduan di kantor Disdukcapil dan kecamatan', 'SP4N-LAPOR! (lapor.go.id)'],
    response_time: 'Setiap pengaduan mendapat nomor pelacakan dan ditanggapi paling lama 5 hari kerja' },
};

// ---------- HTTP ----------
function send(res, status, body, headers = {}) {
  const data = body === null ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(data);
}
async function readJson(req) {
  const chunks = []; let size = 0;
  for await (const c of req) { size += c.length; if (size > 1 << 20) throw new HttpError(413, 'too_large', 'body larger than 1 MiB'); chunks.push(c); }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try { const v = JSON.parse(text); if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(); return v; } catch { throw bad('body: not a JSON object'); }
}

async function apiRoute(req, res, url) {
  const p = url.pathname.slice('/api/v1'.length).split('/').filter(Boolean).map(decodeURIComponent);
  const m = req.method;
  const is = (method, ...segs) => m === method && p.length === segs.length && segs.every((s, i) => s === '*' || s === p[i]);
  const route = (...segs) => p.length === segs.length && segs.every((s, i) => s === '*' || s === p[i]);
  if (is('GET', 'health')) return send(res, 200, { status: 'ok' });
  if (is('GET', 'openapi.json')) {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' });
    return res.end(fs.readFileSync(OPENAPI));
  }
  if (is('POST', 'auth', 'login')) {
    const b = await readJson(req);
    const u = users.get(b.username);
    if (!u || u.password !== b.password) throw new HttpError(401, 'unauthenticated', 'wrong username or password');
    const token = crypto.randomBytes(24).toString('hex');
    const expires = Date.now() + 8 * 3600e3;
    tokens.set(token, { username: b.username, role: u.role, expires });
    return send(res, 200, { token, role: u.role, username: b.username, expires_at: new Date(expires).toISOString() });
  }
  if (is('GET', 'service-standards')) return send(res, 200, SERVICE_STANDARDS);
  if (is('GET', 'regions', '*')) {
    const code = p[1];
    if (code !== 'root' && !regions.has(code)) throw notFound(`region "${code}" does not exist`);
    const r = code === 'root' ? { code: 'root', name: 'Indonesia', level: 'root' } : regions.get(code);
    return send(res, 200, { code: r.code, name: r.name, level: r.level, children: (childrenOf.get(code) || []).map((c) => ({ code: c, name: regionName(c), level: regions.get(c).level })) });
  }
  if (is('POST', 'auth', 'logout')) { const a = auth(req); tokens.delete(a.token); res.writeHead(204); return res.end(); }
  if (is('GET', 'persons')) {
    auth(req, READERS);
    const nik = url.searchParams.get('nik'); const name = url.searchParams.get('name'); const bd = url.searchParams.get('birth_date');
    let results;
    if (nik !== null) { checkNik('nik', nik); results = persons.has(nik) ? [persons.get(nik)] : []; }
    else if (name) {
      if (bd) { if (!validDate(bd)) throw bad(`birth_date: "${bd}" is not a date (YYYY-MM-DD)`); }
      const key = name.trim().toLowerCase();
      results = [...persons.values()].filter((x) => x.name.toLowerCase().startsWith(key) && (!bd || x.birth_date === bd)).slice(0, 100);
    } else throw bad('nik or name: one of them is required');
    return send(res, 200, { results: results.map(personView) });
  }
  if (is('GET', 'persons', '*')) { auth(req, READERS); return send(res, 200, personView(mustPerson('nik', p[1], { alive: false }))); }
  if (is('GET', 'persons', '*', 'history')) {
    auth(req, READERS); mustPerson('nik', p[1], { alive: false });
    return send(res, 200, { events: events.filter((e) => e.subjects.includes(p[1])).map(({ subjects, ...e }) => e) });
  }
  if (is('GET', 'persons', '*', 'enrollment-status')) {
    // No biometric enrollments in the mock: an empty timeline (docs/api.md, "Stations and sync").
    auth(req, READERS); mustPerson('nik', p[1], { alive: false });
    return send(res, 200, { nik: p[1], current: {}, timeline: [], enrollments: [] });
  }
  if (is('GET', 'persons', '*', 'biodata.pdf')) {
    auth(req, READERS); const x = personView(mustPerson('nik', p[1], { alive: false }));
    const body = pdf(`Biodata Penduduk ${x.nik}`, [`Nama: ${x.name}`, `Lahir: ${x.birth_place}, ${x.birth_date}`, `Alamat: ${x.address.street}, ${x.address.village}, ${x.address.district}`, `KK: ${x.kk_number}`]);
    res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="biodata-${x.nik}.pdf"`, 'Content-Length': body.length });
    return res.end(body);
  }
  if (is('GET', 'families', '*') || is('GET', 'families', '*', 'kk.pdf')) {
    auth(req, READERS);
    if (!/^\d{16}$/.test(p[1])) throw bad(`kk_number: a KK number has 16 digits, got "${p[1]}"`);
    const f = families.get(p[1]);
    if (!f) throw notFound(`kk_number: no family card ${p[1]}`);
    if (p.length === 2) return send(res, 200, familyView(f));
    const v = familyView(f);
    const body = pdf(`Kartu Keluarga ${f.kk_number}`, v.members.map((x) => `${x.nik}  ${x.name}  ${x.relation}`));
    res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="kk-${f.kk_number}.pdf"`, 'Content-Length': body.length });
    return res.end(body);
  }
  if (is('GET', 'coverage', '*')) { auth(req, READERS); return send(res, 200, coverage(p[1])); }
  // Residents see who looked: a PIN for the desk, and no reports yet (the resident's own page is
  // tested against the real server: web/tests/resident.test.mjs).
  if (is('POST', 'persons', '*', 'resident-pin')) {
    const a = auth(req, WRITERS); mustPerson('nik', p[1], { alive: false });
    const pin = String(crypto.randomInt(0, 1e8)).padStart(8, '0');
    return send(res, 201, { nik: p[1], pin, issued_at: new Date().toISOString(), issued_by: a.username, failures_max: 5 });
  }
  if (is('GET', 'admin', 'resident-reports')) { auth(req, ['admin']); return send(res, 200, { status: 'open', reports: [] }); }
  if (route('events', '*') && handlers[p[1]]) {
    if (m !== 'POST') throw new HttpError(405, 'method_not_allowed', `${m} is not allowed here`);
    const a = auth(req, WRITERS); const b = await readJson(req);
    const [status, body] = idempotent(b, () => handlers[p[1]](b, a.username));
    return send(res, status, body);
  }
  if (is('POST', 'corrections')) {
    const a = auth(req, WRITERS); const b = await readJson(req);
    const [status, body] = idempotent(b, () => correction(b, a.username));
    return send(res, status, body);
  }
  if (is('GET', 'corrections')) {
    auth(req, WRITERS);
    const st = url.searchParams.get('status') || 'pending';
    if (!['pending', 'approved', 'rejected'].includes(st)) throw bad('status: one of pending, approved, rejected');
    return send(res, 200, { corrections: [...corrections.values()].filter((c) => c.status === st) });
  }
  if (is('POST', 'corrections', '*', 'approve') || is('POST', 'corrections', '*', 'reject')) {
    const a = auth(req, ['supervisor']); const b = await readJson(req);
    const c = corrections.get(Number(p[1]));
    if (!c) throw notFound(`correction ${p[1]} does not exist`);
    if (c.status !== 'pending') throw conflict(`correction ${c.id} is already ${c.status}`);
    c.status = p[2] === 'approve' ? 'approved' : 'rejected';
    if (c.status === 'approved') { const person = persons.get(c.nik); Object.assign(person, c.fields); person.version += 1; }
    c.decided_by = a.username;
    const e = addEvent('correction', todayJakarta(), a.username, [], { correction_id: c.id, decision: c.status, fields: c.fields, reason: b.reason || '' }, [c.nik]);
    return send(res, 200, { correction_id: c.id, status: c.status, event_id: e.id, replayed: false });
  }
  if (is('POST', 'users')) {
    const a = auth(req, ['admin']); const b = await readJson(req);
    checkText('username', b.username, 64); checkText('password', b.password, 200); checkVocab('role', b.role, ['operator', 'supervisor', 'adjudicator', 'admin']);
    const privileged = ['adjudicator', 'admin'].includes(b.role);
    if (privileged && !/^\d{16}$/.test(b.nik || '')) throw new HttpError(400, 'invalid_argument', 'nik: required', 'person_identity_required');
    if (users.has(b.username)) throw conflict(`username: ${b.username} already exists`);
    const approval = privileged ? 'pending_approval' : 'approved';
    users.set(b.username, { password: b.password, role: b.role, nik: b.nik || '', staff_number: b.staff_number || '', approval, requested_by: a.username });
    return send(res, 201, { username: b.username, role: b.role, approval });
  }
  if (is('GET', 'users')) {
    auth(req, ['admin']);
    const pendingOnly = url.searchParams.get('approval') === 'pending_approval';
    const list = [...users.entries()].filter(([, u]) => !pendingOnly || u.approval === 'pending_approval')
      .map(([username, u]) => ({ username, role: u.role, active: true, nik: u.nik || '', staff_number: u.staff_number || '', approval: u.approval, requested_by: u.requested_by || '', approved_by: u.approved_by || '' }));
    return send(res, 200, { users: list });
  }
  if (is('POST', 'users', '*', 'approve')) {
    const a = auth(req, ['admin']);
    const u = users.get(p[1]);
    if (!u) throw notFound(`no user '${p[1]}'`);
    if (u.approval !== 'pending_approval') throw new HttpError(409, 'failed_precondition', 'not pending', 'not_pending_approval');
    if (u.requested_by === a.username) throw new HttpError(403, 'permission_denied', 'the creator does not approve', 'approver_is_creator');
    u.approval = 'approved'; u.approved_by = a.username;
    return send(res, 200, { username: p[1], approval: 'approved', approved_by: a.username });
  }
  if (is('GET', 'audit', 'verify')) { auth(req, ['admin']); return send(res, 200, { valid: true, entries: events.length, head_seq: events.length }); }
  throw notFound(`no such endpoint: ${m} ${url.pathname}`);
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon' };
const SECURITY = { 'Content-Security-Policy': "default-src 'self'", 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

function serveStatic(req, res, url) {
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, SECURITY); return res.end(); }
  let rel = decodeURIComponent(url.pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  let file = path.resolve(WEB_ROOT, '.' + rel);
  if (!file.startsWith(WEB_ROOT + path.sep)) { res.writeHead(404, SECURITY); return res.end(); }
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    if (path.extname(rel)) { res.writeHead(404, { ...SECURITY, 'Content-Type': 'text/plain' }); return res.end('not found'); }
    // A page of its own ("/dokumentasi-api" → dokumentasi-api.html), as src/api/static_files.cpp does.
    const page = `${file}.html`;
    file = fs.existsSync(page) && fs.statSync(page).isFile() ? page : path.join(WEB_ROOT, 'index.html');
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, { ...SECURITY, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  try {
    if (url.pathname === '/api/v1' || url.pathname.startsWith('/api/')) {
      if (!url.pathname.startsWith('/api/v1/')) throw notFound(`no such endpoint: ${url.pathname}`);
      await apiRoute(req, res, url);
    } else serveStatic(req, res, url);
  } catch (e) {
    if (e instanceof HttpError) send(res, e.status, { error: { code: e.code, message: e.message, ...(e.reason ? { reason: e.reason } : {}) } });
    else { console.error(e); send(res, 500, { error: { code: 'internal', message: 'internal error' } }); }
  }
});
const port = Number(process.argv[2] ?? process.env.PORT ?? 8090);
server.listen(port, '127.0.0.1', () => {
  console.log(`mock-server listening on http://127.0.0.1:${server.address().port} demo_nik=${DEMO_NIK}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
