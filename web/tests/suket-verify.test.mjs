// js/suket/verify.js and signed-lists.js in Node, no browser and no server: the worked example of
// docs/suket-format.md §6 and what a verifier must refuse, with the same verdicts as the C++
// verify_suket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { verifySuket, suketCoseBytes, bytesOfBase64url, hexOf, QR_CHARS_MAX } from '../js/suket/verify.js';
import { parseTrustList, parseSupersededList, parseTrustRoot, ListError } from '../js/suket/signed-lists.js';
import {
  EXAMPLE, ISSUER_SEED, ROOT_SEED, STRANGER_SEED, CLAIMS_WITH_FACE, FACE_PNG, publicKeyOf, kidOf, sign,
  cbor, claimsMap, coseSign1, qrTextOfCose, issueSuket, base45Encode,
} from './suket-fixtures.mjs';

const ROOT = bytesOfBase64url(EXAMPLE.rootPublicKey, 32);
const INSIDE = EXAMPLE.issuedAt + 30 * 86400;  // 2026-01-31, within the example's validity
const STATUSES = new Set(['valid', 'expired', 'superseded', 'unknown_issuer', 'forged', 'malformed']);
const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const trustList = await parseTrustList(EXAMPLE.trustListJson, ROOT);
const superseded = await parseSupersededList(EXAMPLE.supersededJson, ROOT);
const verify = (text, now = INSIDE, lists = { trust: trustList, superseded: null }) => verifySuket(text, lists.trust, lists.superseded, now);

// A deterministic pseudo-random source, so a failure can be run again.
function random(seed) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32; };
}

test('the documented keys are the seeds’ keys', () => {
  assert.equal(hexOf(publicKeyOf(ISSUER_SEED)), EXAMPLE.issuerPublicKeyHex);
  assert.equal(hexOf(kidOf(publicKeyOf(ISSUER_SEED))), EXAMPLE.issuerKid);
  assert.deepEqual(publicKeyOf(ROOT_SEED), ROOT);
  assert.equal(hexOf(kidOf(ROOT)), EXAMPLE.rootKid);
});

test('the worked example is valid, with the documented claims, kid and suket id', async () => {
  assert.equal(EXAMPLE.qrText.length, 347);
  assert.ok(EXAMPLE.qrText.includes('/+T  R63'), 'the double space is kept');
  assert.equal(hexOf(await suketCoseBytes(EXAMPLE.qrText)), EXAMPLE.coseHex);
  const verdict = await verify(EXAMPLE.qrText);
  assert.equal(verdict.status, 'valid', verdict.reason);
  assert.equal(verdict.reason, '');
  assert.equal(verdict.kid, EXAMPLE.issuerKid);
  assert.equal(verdict.id, EXAMPLE.suketId);
  assert.deepEqual(verdict.claims, EXAMPLE.claims);
  // From iat on, and up to the last second before exp.
  assert.equal((await verify(EXAMPLE.qrText, EXAMPLE.issuedAt)).status, 'valid');
  assert.equal((await verify(EXAMPLE.qrText, EXAMPLE.expiresAt - 1)).status, 'valid');
});

test('the example is expired from exp on, and still shows whose it was', async () => {
  for (const now of [EXAMPLE.expiresAt, EXAMPLE.expiresAt + 1, EXAMPLE.expiresAt + 365 * 86400]) {
    const verdict = await verify(EXAMPLE.qrText, now);
    assert.equal(verdict.status, 'expired');
    assert.match(verdict.reason, /expired at 2026-07-01T00:00:00Z/);
    assert.equal(verdict.claims.fullName, 'SITI AMINAH');
  }
});

test('the documented superseded list makes the example superseded, even before exp', async () => {
  const verdict = await verify(EXAMPLE.qrText, INSIDE, { trust: trustList, superseded });
  assert.equal(verdict.status, 'superseded');
  assert.equal(verdict.id, EXAMPLE.suketId);
  assert.equal(verdict.claims.nik, EXAMPLE.claims.nik);
  // superseded is checked before expiry
  assert.equal((await verify(EXAMPLE.qrText, EXAMPLE.expiresAt + 1, { trust: trustList, superseded })).status, 'superseded');
});

test('one character changed, anywhere, is never valid', async () => {
  const text = EXAMPLE.qrText;
  const seen = new Map();
  for (let i = 0; i < text.length; i += 1) {
    for (const step of [1, 22]) {
      const ch = BASE45[(BASE45.indexOf(text[i]) + step) % 45];
      const changed = text.slice(0, i) + ch + text.slice(i + 1);
      const verdict = await verify(changed);
      assert.notEqual(verdict.status, 'valid', `position ${i + 1}: ${ch}`);
      assert.ok(STATUSES.has(verdict.status));
      seen.set(verdict.status, (seen.get(verdict.status) ?? 0) + 1);
    }
    // A lower-case letter (a scanner's commonest damage) or a removed character.
    assert.equal((await verify(text.slice(0, i) + text[i].toLowerCase() + text.slice(i + 1))).status,
      /[A-Z]/.test(text[i]) ? 'malformed' : 'valid');
  }
  assert.ok(seen.get('malformed') > 0);
});

test('the example cut short at any length is malformed', async () => {
  for (let length = 0; length < EXAMPLE.qrText.length; length += 1) {
    const verdict = await verify(EXAMPLE.qrText.slice(0, length));
    assert.equal(verdict.status, 'malformed', `length ${length}`);
    assert.equal(verdict.claims, undefined);
  }
  // Trimming the text (losing a space) is damage too.
  assert.equal((await verify(EXAMPLE.qrText.replace('  ', ' '))).status, 'malformed');
});

test('the same claims re-signed with a key not in the trust list: unknown_issuer', async () => {
  const cose = await suketCoseBytes(EXAMPLE.qrText);
  const payload = cbor(claimsMap(EXAMPLE.claims));
  // The fixtures' issuer writes the documented bytes exactly (Ed25519 signatures are deterministic).
  assert.equal(hexOf(coseSign1(payload, ISSUER_SEED)), EXAMPLE.coseHex);
  assert.equal(cose.length, 242);
  const verdict = await verify(qrTextOfCose(coseSign1(payload, STRANGER_SEED)));
  assert.equal(verdict.status, 'unknown_issuer');
  assert.equal(verdict.kid, hexOf(kidOf(publicKeyOf(STRANGER_SEED))));
  assert.equal(verdict.claims, undefined);
  assert.match(verdict.id, /^[0-9a-f]{32}$/);
});

test('a kid of the trust list with a signature that does not verify: forged', async () => {
  const payload = cbor(claimsMap(EXAMPLE.claims));
  // Another key's signature under the example issuer's kid.
  const borrowed = await verify(qrTextOfCose(coseSign1(payload, STRANGER_SEED, { kid: kidOf(publicKeyOf(ISSUER_SEED)) })));
  assert.equal(borrowed.status, 'forged');
  assert.equal(borrowed.kid, EXAMPLE.issuerKid);
  assert.equal(borrowed.claims, undefined);
  // The example's own signature with one bit flipped, and over a changed payload.
  const cose = await suketCoseBytes(EXAMPLE.qrText);
  for (const at of [cose.length - 1, cose.length - 64, cose.length - 30]) {
    const flipped = cose.slice(); flipped[at] ^= 0x01;
    assert.equal((await verify(qrTextOfCose(flipped))).status, 'forged', `byte ${at}`);
  }
  const renamed = cose.slice();
  const at = Buffer.from(renamed).indexOf('SITI AMINAH');
  renamed[at] = 'D'.charCodeAt(0);
  assert.equal((await verify(qrTextOfCose(renamed))).status, 'forged');
});

test('a zlib bomb that inflates past 64 KiB is malformed, within the QR limit', async () => {
  const bomb = base45Encode(zlib.deflateSync(Buffer.alloc(1 << 20), { level: 9 }));
  assert.ok(bomb.length <= QR_CHARS_MAX, `${bomb.length} characters`);
  const verdict = await verify(bomb);
  assert.equal(verdict.status, 'malformed');
  assert.match(verdict.reason, /zlib: inflates past 65536 bytes/);
  // A COSE_Sign1 just past the cap: its payload alone is 64 KiB.
  const big = coseSign1(new Uint8Array(65536), ISSUER_SEED);
  assert.match((await verify(qrTextOfCose(big))).reason, /inflates past 65536/);
});

test('zlib: bytes after the stream, a preset dictionary, raw deflate or Brotli are malformed', async () => {
  const cose = await suketCoseBytes(EXAMPLE.qrText);
  const stream = zlib.deflateSync(cose, { level: 9 });
  for (const tail of [[0], [1, 2, 3], [...stream.subarray(-4)]]) {
    const verdict = await verify(base45Encode(Buffer.concat([stream, Buffer.from(tail)])));
    assert.equal(verdict.status, 'malformed');
    assert.match(verdict.reason, /after the stream/);
  }
  assert.match((await verify(base45Encode(zlib.deflateRawSync(cose)))).reason, /not a zlib header/);
  assert.match((await verify(base45Encode(zlib.brotliCompressSync(cose)))).reason, /zlib/);
  const dictionary = Buffer.from(stream); dictionary[1] = 0xf9;  // 0x78f9: FDICT set, check bits fixed
  assert.match((await verify(base45Encode(dictionary))).reason, /preset dictionary/);
  // Corrupt: the Adler-32 changed.
  const corrupt = Buffer.from(stream); corrupt[corrupt.length - 1] ^= 1;
  assert.equal((await verify(base45Encode(corrupt))).status, 'malformed');
});

test('Base45 and length limits', async () => {
  assert.match((await verify('A'.repeat(QR_CHARS_MAX + 1))).reason, /more than 4296/);
  assert.match((await verify('ab')).reason, /character 1 \('a'\) is not in the alphabet/);
  assert.match((await verify('AAAA')).reason, /leave 1 over/);
  assert.match((await verify(':::')).reason, /past two bytes/);
  assert.match((await verify('::')).reason, /past one byte/);
  assert.equal((await verify('')).status, 'malformed');
  for (const input of [null, undefined, 42, {}, ['x']]) assert.equal((await verify(input)).status, 'malformed');
});

test('COSE: another alg, no kid, crit, a short signature, tag 61 around tag 18', async () => {
  const payload = cbor(claimsMap(EXAMPLE.claims));
  const kid = kidOf(publicKeyOf(ISSUER_SEED));
  const cases = [
    [new Map([[1, -7], [4, kid]]), /alg is -7/],
    [new Map([[1, -8]]), /no kid/],
    [new Map([[4, kid]]), /no alg/],
    [new Map([[1, -8], [2, [1]], [4, kid]]), /critical headers/],
    [new Map([[1, -8], [4, new Uint8Array(0)]]), /no kid/],
  ];
  for (const [protectedMap, reason] of cases) {
    const verdict = await verify(qrTextOfCose(coseSign1(payload, ISSUER_SEED, { protectedMap })));
    assert.equal(verdict.status, 'malformed');
    assert.match(verdict.reason, reason);
  }
  const short = await verify(qrTextOfCose(coseSign1(payload, ISSUER_SEED, { signature: new Uint8Array(63) })));
  assert.match(short.reason, /signature is 63 bytes/);
  assert.equal((await verify(qrTextOfCose(coseSign1(payload, ISSUER_SEED, { cwtTag: true })))).status, 'valid');
  // A kid that is not 8 bytes is in no trust list.
  const long = await verify(qrTextOfCose(coseSign1(payload, ISSUER_SEED, { kid: new Uint8Array(16) })));
  assert.equal(long.status, 'unknown_issuer');
  assert.equal(long.kid, '0'.repeat(32));
  // Bytes after the COSE_Sign1.
  const cose = await suketCoseBytes(EXAMPLE.qrText);
  assert.match((await verify(qrTextOfCose(Buffer.concat([cose, Buffer.from([0])])))).reason, /1 bytes after the COSE_Sign1/);
});

test('signed claims that break the rules are malformed; iss or iat outside the key: unknown_issuer', async () => {
  const claims = EXAMPLE.claims;
  const malformedCases = [
    { ...claims, gender: 4 },
    { ...claims, nik: '33270155089000', sub: '33270155089000' },
    { ...claims, sub: '3327015508900002' },
    { ...claims, birthDate: '1990-02-30' },
    { ...claims, birthDate: '1849-12-31' },
    { ...claims, cardReadyEstimate: '2026-13-01' },
    { ...claims, fullName: 'SITI  AMINAH' },
    { ...claims, fullName: 'SITI AMINAH 2' },
    { ...claims, fullName: '' },
    { ...claims, address: ' JL. MERDEKA' },
    { ...claims, address: 'JL.\u202eMERDEKA' },
    { ...claims, issuer: 'ektp 3327' },
    { ...claims, expiresAt: claims.issuedAt },
    { ...claims, face: { image: FACE_PNG, format: 'jpeg' } },
    { ...claims, face: { image: new Uint8Array(0), format: 'png' } },
  ];
  for (const bad of malformedCases) {
    const verdict = await verify(issueSuket(bad));
    assert.equal(verdict.status, 'malformed', JSON.stringify({ ...bad, face: undefined }));
    assert.match(verdict.reason, /^(claims|cbor): /);
    assert.equal(verdict.kid, EXAMPLE.issuerKid);
    assert.equal(verdict.claims, undefined);
  }
  // A repeated key, an unknown key (skipped), bytes after the claims.
  const identity = claimsMap(claims).get(169);
  const repeated = Buffer.concat([Uint8Array.of(0xa6), ...[1, 'ektp:3327', 1, 'ektp:3327', 2, claims.nik, 4, claims.expiresAt, 6, claims.issuedAt, 169, identity].map(cbor)]);
  assert.match((await verify(qrTextOfCose(coseSign1(repeated, ISSUER_SEED)))).reason, /key 1 twice/);
  assert.equal((await verify(issueSuket(claims, ISSUER_SEED, { extraIdentity: [[70, 'x'], [-1, 5], ['k', [1, 2]]] }))).status, 'valid');
  const trailing = Buffer.concat([cbor(claimsMap(claims)), Buffer.from([0])]);
  assert.match((await verify(qrTextOfCose(coseSign1(trailing, ISSUER_SEED)))).reason, /bytes after the CWT claims/);

  assert.match((await verify(issueSuket({ ...claims, issuer: 'ektp:3328' }))).reason, /names ektp:3328/);
  assert.equal((await verify(issueSuket({ ...claims, issuer: 'ektp:3328' }))).status, 'unknown_issuer');
  const early = await verify(issueSuket({ ...claims, issuedAt: claims.issuedAt - 1 }));
  assert.equal(early.status, 'unknown_issuer');
  assert.match(early.reason, /not at iat 2025-12-31T23:59:59Z/);
  const late = await verify(issueSuket({ ...claims, issuedAt: 1830297601, expiresAt: 1845936001 }), 1830297700);
  assert.equal(late.status, 'unknown_issuer');
});

test('a face (claim 62) comes back as its bytes; other biometrics are passed over', async () => {
  const verdict = await verify(issueSuket(CLAIMS_WITH_FACE));
  assert.equal(verdict.status, 'valid', verdict.reason);
  assert.deepEqual(verdict.claims.face, { image: FACE_PNG, format: 'png' });
  assert.equal(verdict.claims.cardReadyEstimate, null);
  const entries = [new Map([[0, new Uint8Array([1, 2, 3])], [1, 1], [2, 7]]), new Map([[0, FACE_PNG], [1, 0], [2, 0]])];
  const mixed = new Map(claimsMap(EXAMPLE.claims));
  mixed.set(169, new Map([...mixed.get(169)].concat([[62, entries]]).sort((a, b) => a[0] - b[0])));
  const two = await verify(qrTextOfCose(coseSign1(cbor(mixed), ISSUER_SEED)));
  assert.equal(two.status, 'valid', two.reason);
  assert.deepEqual(two.claims.face.image, FACE_PNG);
  const tooMany = new Map(mixed);
  tooMany.set(169, new Map([...mixed.get(169)].map(([k, v]) => [k, k === 62 ? [...entries, ...entries, entries[0]] : v])));
  assert.match((await verify(qrTextOfCose(coseSign1(cbor(tooMany), ISSUER_SEED)))).reason, /5 items, more than 4/);
});

test('the documented lists verify against the documented root', async () => {
  assert.equal(trustList.issuedAt, 1767225600);
  assert.equal(trustList.signedBy, EXAMPLE.rootKid);
  assert.equal(trustList.keys.length, 1);
  assert.deepEqual({ ...trustList.keys[0], publicKey: hexOf(trustList.keys[0].publicKey) }, {
    kid: EXAMPLE.issuerKid, issuer: 'ektp:3327', publicKey: EXAMPLE.issuerPublicKeyHex, notBefore: 1767225600, notAfter: 1830297600,
  });
  assert.deepEqual(superseded.ids, [EXAMPLE.suketId]);
  const root = await parseTrustRoot({ kid: EXAMPLE.rootKid, alg: 'EdDSA', public_key: EXAMPLE.rootPublicKey });
  assert.deepEqual(root.publicKey, ROOT);
  await assert.rejects(parseTrustRoot({ kid: EXAMPLE.issuerKid, alg: 'EdDSA', public_key: EXAMPLE.rootPublicKey }), ListError);
});

async function reasonOf(promise) {
  try { await promise; } catch (e) { assert.ok(e instanceof ListError, e); return e.reason; }
  return 'accepted';
}

test('a list with any one character changed is refused', async () => {
  for (const [json, parse, prefix] of [[EXAMPLE.trustListJson, parseTrustList, 'trust_list_'], [EXAMPLE.supersededJson, parseSupersededList, 'superseded_list_']]) {
    const reasons = new Set();
    for (let i = 0; i < json.length; i += 1) {
      const ch = json[i] === 'A' ? 'B' : json[i] === '0' ? '1' : json[i] === '"' ? "'" : /[a-z]/.test(json[i]) ? json[i].toUpperCase() : 'A';
      const reason = await reasonOf(parse(json.slice(0, i) + ch + json.slice(i + 1), ROOT));
      assert.ok(reason.startsWith(prefix), `position ${i + 1}: ${reason}`);
      reasons.add(reason.slice(prefix.length));
    }
    assert.ok(reasons.has('bad_signature') && reasons.has('malformed'), [...reasons].join());
  }
});

test('lists signed by another root, or with something unsigned added, are refused', async () => {
  const stranger = publicKeyOf(STRANGER_SEED);
  assert.equal(await reasonOf(parseTrustList(EXAMPLE.trustListJson, stranger)), 'trust_list_wrong_root');
  assert.equal(await reasonOf(parseSupersededList(EXAMPLE.supersededJson, stranger)), 'superseded_list_wrong_root');
  // Signed by the stranger and naming it: the pinned root refuses it.
  const text = `{"issued_at":1767225600,"superseded":[],"signed_by":"${hexOf(kidOf(stranger))}"}`;
  const signature = Buffer.from(sign(STRANGER_SEED, Buffer.from(text))).toString('base64url');
  const signedByStranger = text.replace(',"signed_by"', `,"signature":"${signature}","signed_by"`);
  assert.deepEqual((await parseSupersededList(signedByStranger, stranger)).ids, []);
  assert.equal(await reasonOf(parseSupersededList(signedByStranger, ROOT)), 'superseded_list_wrong_root');
  // An extra member, a key's member missing, a fractional or negative number, the wrong type.
  const doc = JSON.parse(EXAMPLE.trustListJson);
  const variants = [
    { ...doc, note: 'x' },
    { ...doc, keys: [{ ...doc.keys[0], extra: 1 }] },
    { ...doc, keys: [{ ...doc.keys[0], not_after: undefined }] },
    { ...doc, issued_at: -1 },
    { ...doc, issued_at: 1.5 },
    { ...doc, issued_at: 2 ** 53 },
    { ...doc, keys: {} },
    { ...doc, keys: [{ ...doc.keys[0], alg: 'ES256' }] },
    { ...doc, keys: [doc.keys[0], doc.keys[0]] },
    { ...doc, keys: [{ ...doc.keys[0], kid: EXAMPLE.rootKid }] },
    { ...doc, keys: [{ ...doc.keys[0], not_before: 1830297601 }] },
    { ...doc, signature: `${doc.signature}=` },
    { ...doc, signed_by: EXAMPLE.rootKid.toUpperCase() },
    [doc],
  ];
  for (const variant of variants) {
    assert.equal(await reasonOf(parseTrustList(JSON.stringify(variant), ROOT)), 'trust_list_malformed', JSON.stringify(variant).slice(0, 120));
  }
  assert.equal(await reasonOf(parseTrustList('{"issued_at":', ROOT)), 'trust_list_malformed');
  assert.equal(await reasonOf(parseTrustList(' '.repeat((256 << 10) + 1), ROOT)), 'trust_list_too_large');
  assert.equal(await reasonOf(parseTrustList('[[[[[1]]]]]', ROOT)), 'trust_list_malformed');
  assert.equal(await reasonOf(parseSupersededList(JSON.stringify({ ...JSON.parse(EXAMPLE.supersededJson), superseded: ['ABC'] }), ROOT)), 'superseded_list_malformed');
  // The signature covers the rebuilt text: the documented JSON spelled with spaces still verifies.
  const spaced = JSON.stringify(doc, null, 2);
  assert.equal((await parseTrustList(spaced, ROOT)).keys.length, 1);
});

test('random inputs never throw and never verify', async () => {
  const next = random(169);
  const pick = (n) => Math.floor(next() * n);
  const cose = await suketCoseBytes(EXAMPLE.qrText);
  const inputs = [];
  for (let i = 0; i < 400; i += 1) {
    inputs.push(Array.from({ length: pick(600) }, () => BASE45[pick(45)]).join(''));
    inputs.push(Array.from({ length: pick(40) }, () => String.fromCharCode(pick(0x3000))).join(''));
    inputs.push(base45Encode(zlib.deflateSync(Buffer.from(Array.from({ length: pick(300) }, () => pick(256))))));
    // The example's COSE with a few bytes changed, recompressed: reaches the CBOR reader.
    const mutated = cose.slice();
    for (let k = 0; k <= pick(4); k += 1) mutated[pick(mutated.length)] = pick(256);
    inputs.push(qrTextOfCose(mutated.subarray(0, mutated.length - pick(3))));
    // CBOR heads that claim huge lengths or deep nesting.
    const heads = [0x5b, 0x7b, 0x9b, 0xbb, 0xdb, 0x9f, 0xbf, 0xff, 0xfb, 0x1c, 0xd8, 0x81, 0xa1];
    inputs.push(qrTextOfCose(Uint8Array.from({ length: 1 + pick(40) }, () => (next() < 0.5 ? heads[pick(heads.length)] : pick(256)))));
  }
  inputs.push(qrTextOfCose(Uint8Array.from([0xd2, ...Array(100).fill(0x81), 0])));
  inputs.push(qrTextOfCose(Uint8Array.from([0xd2, 0x84, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])));
  for (const input of inputs) {
    const verdict = await verifySuket(input, trustList, superseded, INSIDE);
    assert.ok(STATUSES.has(verdict.status), verdict.status);
    assert.notEqual(verdict.status, 'valid');
    assert.equal(typeof verdict.reason, 'string');
  }
  for (let i = 0; i < 200; i += 1) {
    const json = Array.from({ length: pick(80) }, () => '{}[]":,0123abc'[pick(14)]).join('');
    assert.ok((await reasonOf(parseTrustList(json, ROOT))).startsWith('trust_list_'));
  }
});
