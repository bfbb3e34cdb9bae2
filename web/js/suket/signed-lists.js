// The signed lists a SUKET verifier keeps (docs/suket-format.md §4): the trust list of issuer keys
// and the superseded list, each JSON signed with Ed25519 by the root key the verifier pinned,
// checked as the C++ parse_trust_list / parse_superseded_list do (the canonical signing text
// rebuilt, the signer's kid, every member's shape and bounds). Pure, like verify.js.
import {
  base64urlOf, bytesOfBase64url, isLowerHex, issuerFault, keyIdHex, utf8, verifyEd25519,
  PUBLIC_KEY_BYTES, KID_BYTES, SIGNATURE_BYTES,
} from './verify.js';

export const TRUST_LIST_BYTES_MAX = 256 << 10;
export const TRUST_LIST_KEYS_MAX = 1024;
export const SUPERSEDED_LIST_BYTES_MAX = 2 << 20;
export const SUPERSEDED_LIST_IDS_MAX = 50000;
const JSON_INTEGER_MAX = 2 ** 53 - 1;
const JSON_DEPTH_MAX = 4;

/** A trust list or superseded list refused; `reason` is the C++ Error::reason ("trust_list_bad_signature"). */
export class ListError extends Error {
  constructor(reason, message) { super(message); this.name = 'ListError'; this.reason = reason; }
}

// ---------- signed lists (JSON) ----------

const TRUST_KIND = { name: 'trust_list', display: 'trust list', member: 'keys', bytesMax: TRUST_LIST_BYTES_MAX, itemsMax: TRUST_LIST_KEYS_MAX };
const SUPERSEDED_KIND = { name: 'superseded_list', display: 'superseded list', member: 'superseded', bytesMax: SUPERSEDED_LIST_BYTES_MAX, itemsMax: SUPERSEDED_LIST_IDS_MAX };

const refuse = (kind, why, message) => new ListError(`${kind.name}_${why}`, `${kind.display}: ${message}`);
const malformed = (kind, message) => refuse(kind, 'malformed', message);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function depthOf(value, limit, depth = 0) {
  if (typeof value !== 'object' || value === null) return depth;
  if (depth + 1 > limit) return depth + 1;
  let deepest = depth + 1;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

function parseJson(kind, text) {
  if (typeof text !== 'string') throw malformed(kind, 'not JSON: not a text');
  const bytes = utf8(text).length;
  if (bytes > kind.bytesMax) throw refuse(kind, 'too_large', `${bytes} bytes, more than ${kind.bytesMax}`);
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw malformed(kind, `not JSON: ${e.message}`);
  }
  if (depthOf(value, JSON_DEPTH_MAX) > JSON_DEPTH_MAX) throw malformed(kind, 'not JSON: nested too deep');
  return value;
}

function checkMembers(kind, object, where, names) {
  for (const member of Object.keys(object)) {
    if (!names.includes(member)) throw malformed(kind, `${where} has an unknown member "${member.slice(0, 40)}"`);
  }
  for (const name of names) {
    if (!Object.hasOwn(object, name)) throw malformed(kind, `${where} has no "${name}"`);
  }
}

function integerMember(kind, object, where, name) {
  const value = object[name];
  if (!Number.isSafeInteger(value) || value < 0 || value > JSON_INTEGER_MAX) {
    throw malformed(kind, `${where}.${name} is not an integer from 0 to 2^53 - 1`);
  }
  return value === 0 ? 0 : value;  // -0 reads as 0
}

function stringMember(kind, object, where, name) {
  const value = object[name];
  if (typeof value !== 'string') throw malformed(kind, `${where}.${name} is not a string`);
  return value;
}

// The parts both lists share; throws wrong_root before the signature is even decoded.
async function openEnvelope(kind, value, rootPublicKey) {
  if (!isObject(value)) throw malformed(kind, 'the document is not a JSON object');
  checkMembers(kind, value, 'the list', ['issued_at', kind.member, 'signature', 'signed_by']);
  const issuedAt = integerMember(kind, value, 'the list', 'issued_at');
  const signedBy = stringMember(kind, value, 'the list', 'signed_by');
  if (!isLowerHex(signedBy, KID_BYTES * 2)) throw malformed(kind, 'signed_by is not a kid (16 lower-case hex digits)');
  const rootKid = await keyIdHex(rootPublicKey);
  if (signedBy !== rootKid) {
    throw refuse(kind, 'wrong_root', `signed by ${signedBy}, not by the root key ${rootKid}`);
  }
  const signatureText = stringMember(kind, value, 'the list', 'signature');
  const signature = bytesOfBase64url(signatureText, SIGNATURE_BYTES);
  if (!signature) throw malformed(kind, 'signature is not 64 bytes of unpadded base64url');
  const items = value[kind.member];
  if (!Array.isArray(items)) throw malformed(kind, `${kind.member} is not an array`);
  if (items.length > kind.itemsMax) {
    throw refuse(kind, 'too_large', `${items.length} entries in ${kind.member}, more than ${kind.itemsMax}`);
  }
  return { issuedAt, signedBy, signature, items };
}

async function verifyEnvelope(kind, envelope, signingText, rootPublicKey) {
  if (!await verifyEd25519(rootPublicKey, utf8(signingText), envelope.signature)) {
    throw refuse(kind, 'bad_signature', `the signature does not verify with the root key ${envelope.signedBy}`);
  }
}

/** The bytes (as text) the root key signs for a trust list: the C++ trust_list_signing_text. */
export function trustListSigningText(list, signedByHex) {
  return JSON.stringify({
    issued_at: list.issuedAt,
    keys: list.keys.map((k) => ({
      kid: k.kid, alg: 'EdDSA', issuer: k.issuer, public_key: base64urlOf(k.publicKey),
      not_before: k.notBefore, not_after: k.notAfter,
    })),
    signed_by: signedByHex,
  });
}

/** The bytes (as text) the root key signs for a superseded list: superseded_list_signing_text. */
export function supersededListSigningText(list, signedByHex) {
  return JSON.stringify({ issued_at: list.issuedAt, superseded: list.ids, signed_by: signedByHex });
}

async function parseKey(value, index) {
  const kind = TRUST_KIND;
  const where = `keys[${index}]`;
  if (!isObject(value)) throw malformed(kind, `${where} is not an object`);
  checkMembers(kind, value, where, ['kid', 'alg', 'issuer', 'public_key', 'not_before', 'not_after']);
  if (stringMember(kind, value, where, 'alg') !== 'EdDSA') throw malformed(kind, `${where}.alg is not "EdDSA"`);
  const issuer = stringMember(kind, value, where, 'issuer');
  const fault = issuerFault(utf8(issuer));
  if (fault) throw malformed(kind, `${where}.${fault}`);
  const publicKey = bytesOfBase64url(stringMember(kind, value, where, 'public_key'), PUBLIC_KEY_BYTES);
  if (!publicKey) throw malformed(kind, `${where}.public_key is not 32 bytes of unpadded base64url`);
  const kid = await keyIdHex(publicKey);
  if (stringMember(kind, value, where, 'kid') !== kid) {
    throw malformed(kind, `${where}.kid is not ${kid}, the first 8 bytes of SHA-256 of its public key`);
  }
  const notBefore = integerMember(kind, value, where, 'not_before');
  const notAfter = integerMember(kind, value, where, 'not_after');
  if (notBefore > notAfter) throw malformed(kind, `${where}.not_before is after not_after`);
  return { kid, issuer, publicKey, notBefore, notAfter };
}

/**
 * A trust list's JSON text verified against the root public key (32 bytes):
 * {issuedAt, signedBy, keys: [{kid (hex), issuer, publicKey (bytes), notBefore, notAfter}]}.
 * Throws a ListError with reason trust_list_too_large | _malformed | _wrong_root | _bad_signature.
 */
export async function parseTrustList(json, rootPublicKey) {
  const kind = TRUST_KIND;
  const envelope = await openEnvelope(kind, parseJson(kind, json), rootPublicKey);
  const keys = [];
  const kids = new Set();
  for (let i = 0; i < envelope.items.length; i += 1) {
    const key = await parseKey(envelope.items[i], i);
    if (kids.has(key.kid)) throw malformed(kind, `keys[${i}] repeats kid ${key.kid}`);
    kids.add(key.kid);
    keys.push(key);
  }
  const list = { issuedAt: envelope.issuedAt, signedBy: envelope.signedBy, keys };
  await verifyEnvelope(kind, envelope, trustListSigningText(list, envelope.signedBy), rootPublicKey);
  return list;
}

/**
 * A superseded list's JSON text verified against the root public key: {issuedAt, signedBy, ids}.
 * Throws a ListError with reason superseded_list_too_large | _malformed | _wrong_root | _bad_signature.
 */
export async function parseSupersededList(json, rootPublicKey) {
  const kind = SUPERSEDED_KIND;
  const envelope = await openEnvelope(kind, parseJson(kind, json), rootPublicKey);
  envelope.items.forEach((id, i) => {
    if (!isLowerHex(id, 32)) throw malformed(kind, `superseded[${i}] is not 32 lower-case hex digits`);
  });
  const list = { issuedAt: envelope.issuedAt, signedBy: envelope.signedBy, ids: envelope.items.slice() };
  await verifyEnvelope(kind, envelope, supersededListSigningText(list, envelope.signedBy), rootPublicKey);
  return list;
}

/**
 * The answer of GET /api/v1/public/trust-root ({kid, alg: "EdDSA", public_key}) checked:
 * {kid, publicKey (32 bytes), publicKeyText}. Throws a ListError (reason trust_root_malformed).
 */
export async function parseTrustRoot(value) {
  const bad = (message) => new ListError('trust_root_malformed', `trust root: ${message}`);
  if (!isObject(value)) throw bad('not a JSON object');
  if (value.alg !== 'EdDSA') throw bad('alg is not "EdDSA"');
  const publicKey = bytesOfBase64url(value.public_key, PUBLIC_KEY_BYTES);
  if (!publicKey) throw bad('public_key is not 32 bytes of unpadded base64url');
  const kid = await keyIdHex(publicKey);
  if (value.kid !== kid) throw bad(`kid is not ${kid}, the first 8 bytes of SHA-256 of its public key`);
  return { kid, publicKey, publicKeyText: value.public_key };
}
