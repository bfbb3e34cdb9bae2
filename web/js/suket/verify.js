// SUKET verification, the same checks as the C++ verify_suket (src/card/suket_credential.cpp)
// on the format of docs/suket-format.md:
//   QR text = Base45(zlib(COSE_Sign1(CWT claims with MOSIP Claim 169))), Ed25519 by an issuer
//   key that the trust list names; the trust list and the superseded list are signed JSON,
//   verified against a pinned root public key (signed-lists.js).
// Pure: no DOM, no storage, no network, no clock ("now" is passed in). Runs in browsers and in
// Node ≥ 20 on WebCrypto (Ed25519, SHA-256) and DecompressionStream. Every input is untrusted:
// each layer is bounded and a bad input ends in a verdict or a ListError, never in a crash.

export const QR_CHARS_MAX = 4296;           // a version-40 QR, alphanumeric mode, level L
export const INFLATED_BYTES_MAX = 64 << 10;
const FACE_BYTES_MAX = 3 << 10;
const MAP_PAIRS_MAX = 32;
const BIOMETRICS_MAX = 4;
const CBOR_ITEMS_MAX = 4096;
const CBOR_DEPTH_MAX = 8;
const HEADER_PAIRS_MAX = 8;
const PROTECTED_BYTES_MAX = 256;
const KID_BYTES_MAX = 32;
export const KID_BYTES = 8;
export const SIGNATURE_BYTES = 64;
export const PUBLIC_KEY_BYTES = 32;
const NIK_DIGITS = 16;
const DATE_CHARS = 8;
const NAME_BYTES_MAX = 120;
const ADDRESS_BYTES_MAX = 200;
const ISSUER_BYTES_MAX = 64;
const TIME_MAX_S = 253402300799;            // 9999-12-31T23:59:59Z
const INT64_MAX = (1n << 63n) - 1n;
const INFLATE_SLICE_BYTES = 64;             // input fed per write: bounds what one write can inflate


// The stable verdict names, as the C++ suket_status_name writes them.
export const STATUS = Object.freeze({
  valid: 'valid', expired: 'expired', superseded: 'superseded',
  unknownIssuer: 'unknown_issuer', forged: 'forged', malformed: 'malformed',
});

/** A layer of the credential is not what the format allows; the message names where. */
class FormatError extends Error {
  constructor(message) { super(message); this.name = 'FormatError'; }
}


// ---------- bytes as text ----------

const HEX = '0123456789abcdef';
export function hexOf(bytes) {
  let text = '';
  for (const b of bytes) text += HEX[b >> 4] + HEX[b & 15];
  return text;
}

export const isLowerHex = (text, chars) => typeof text === 'string' && text.length === chars && /^[0-9a-f]*$/.test(text);

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export function base64urlOf(bytes) {
  let text = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    text += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63] + B64URL[n & 63];
  }
  if (i < bytes.length) {
    const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
    text += B64URL[n >> 18] + B64URL[(n >> 12) & 63];
    if (i + 1 < bytes.length) text += B64URL[(n >> 6) & 63];
  }
  return text;
}

/**
 * Exactly `bytesExpected` bytes of unpadded base64url in its one canonical spelling, or null
 * (the C++ bytes_of_base64url: no padding, no whitespace, no spare bits set).
 */
export function bytesOfBase64url(text, bytesExpected) {
  if (typeof text !== 'string' || text.length !== Math.ceil((bytesExpected * 4) / 3)) return null;
  const bytes = new Uint8Array(bytesExpected);
  let bits = 0; let value = 0; let at = 0;
  for (const ch of text) {
    const digit = B64URL.indexOf(ch);
    if (digit < 0) return null;
    value = ((value << 6) | digit) & 0xffffff;
    bits += 6;
    if (bits >= 8) { bits -= 8; if (at < bytesExpected) bytes[at++] = (value >> bits) & 0xff; }
  }
  if (at !== bytesExpected) return null;
  return base64urlOf(bytes) === text ? bytes : null;
}

function concatBytes(chunks) {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

export const utf8 = (text) => new TextEncoder().encode(text);
const textOf = (bytes) => new TextDecoder('utf-8', { fatal: false }).decode(bytes);

// ---------- crypto ----------

async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)); }

/** The kid of an Ed25519 public key: the first 8 bytes of SHA-256, 16 lower-case hex digits. */
export async function keyIdHex(publicKey) { return hexOf((await sha256(publicKey)).subarray(0, KID_BYTES)); }

/** The suket id: the first 16 bytes of SHA-256 of the 64-byte COSE signature, 32 hex digits. */
export async function suketIdOfSignature(signature) { return hexOf((await sha256(signature)).subarray(0, 16)); }

/** True only for a 64-byte Ed25519 signature of `message` by `publicKey` (32 bytes); never throws. */
export async function verifyEd25519(publicKey, message, signature) {
  if (publicKey?.length !== PUBLIC_KEY_BYTES || signature?.length !== SIGNATURE_BYTES) return false;
  try {
    const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify('Ed25519', key, signature, message);
  } catch {
    return false;  // a public key that is not a curve point, or a platform without Ed25519
  }
}

// ---------- Base45 (RFC 9285) ----------

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const BASE45_DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE45.length; i += 1) BASE45_DIGITS[BASE45.charCodeAt(i)] = i;

// A character for a reason a person reads: printable ASCII as itself, anything else as a code.
function shown(ch) {
  const code = ch.codePointAt(0);
  if (code >= 0x20 && code < 0x7f) return ch;
  return code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Base45 text to bytes; throws a FormatError naming the first fault. */
export function base45Decode(text) {
  // The alphabet first, over the whole text, so the first bad character is named.
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 128 || BASE45_DIGITS[code] < 0) {
      throw new FormatError(`base45: character ${i + 1} ('${shown(String.fromCodePoint(text.codePointAt(i)))}') is not in the alphabet`);
    }
  }
  if (text.length % 3 === 1) {
    throw new FormatError(`base45: ${text.length} characters leave 1 over; a text is groups of 3 with at most one group of 2`);
  }
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let at = 0;
  for (let i = 0; i < text.length; i += 3) {
    const group = Math.min(3, text.length - i);
    let n = 0;
    for (let k = group; k-- > 0;) n = n * 45 + BASE45_DIGITS[text.charCodeAt(i + k)];
    const limit = group === 3 ? 0xffff : 0xff;
    if (n > limit) {
      throw new FormatError(`base45: characters ${i + 1}–${i + group} ("${text.slice(i, i + group)}") are ${n}, past ${group === 3 ? 'two bytes' : 'one byte'}`);
    }
    if (group === 3) out[at++] = n >> 8;
    out[at++] = n & 0xff;
  }
  return out;
}

// ---------- zlib (RFC 1950), bounded ----------

// One pass of DecompressionStream('deflate') that stops reading past `max` bytes. Input goes in
// small slices, each written only when the one before was taken, so what is held at once is
// bounded by the cap plus what one slice can inflate to, whatever the stream claims.
async function inflateOnce(bytes, max) {
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  (async () => {
    for (let i = 0; i < bytes.length; i += INFLATE_SLICE_BYTES) {
      await writer.write(bytes.slice(i, i + INFLATE_SLICE_BYTES));
    }
    await writer.close();
  })().catch(() => {});  // the reader sees the same error
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        reader.cancel().catch(() => {});
        return { over: true };
      }
      chunks.push(value);
    }
  } catch (e) {
    return { error: String(e?.message || e) };
  }
  return { bytes: concatBytes(chunks) };
}

/** The inflated bytes of one complete zlib stream with nothing after it; FormatError otherwise. */
export async function inflateBounded(bytes, max = INFLATED_BYTES_MAX) {
  if (bytes.length < 2) throw new FormatError(`zlib: truncated: ${bytes.length} bytes`);
  if ((bytes[0] & 0x0f) !== 8 || (bytes[0] >> 4) > 7 || (bytes[0] * 256 + bytes[1]) % 31 !== 0) {
    throw new FormatError('zlib: byte 1 is not a zlib header (only zlib is read, not Brotli)');
  }
  if ((bytes[1] & 0x20) !== 0) throw new FormatError('zlib: byte 2 asks for a preset dictionary, which is not used');
  const whole = await inflateOnce(bytes, max);
  if (whole.over) throw new FormatError(`zlib: inflates past ${max} bytes`);
  if (whole.error) {
    throw new FormatError(/junk|after/i.test(whole.error) ? 'zlib: bytes after the stream\'s end' : `zlib: corrupt or truncated stream (${whole.error})`);
  }
  // Some DecompressionStreams pass over bytes after the end of the stream. A stream's last 4
  // bytes are its Adler-32, which inflate needs whole: without the last byte it must fail, and if
  // it still ends well, what was dropped came after the end.
  const shorter = await inflateOnce(bytes.subarray(0, bytes.length - 1), max);
  if (shorter.bytes || shorter.over) throw new FormatError('zlib: bytes after the stream\'s end');
  return whole.bytes;
}

// ---------- CBOR (RFC 8949), the subset SUKETs use ----------

const KIND = Object.freeze({
  unsigned: 'an unsigned integer', negative: 'a negative integer', bytes: 'a byte string', text: 'a text string',
  array: 'an array', map: 'a map', tag: 'a tag', other: 'an item of another kind',
});

// Walks untrusted bytes one item head at a time and never builds a tree, like the C++
// CborReader: at most 4,096 items, 8 levels. Values past 2^53 - 1 are BigInt, others numbers.
class CborReader {
  constructor(bytes, documentName) {
    this.bytes = bytes;
    this.documentName = documentName;
    this.offset = 0;
    this.itemsRead = 0;
  }

  errorAt(offset, what) { return new FormatError(`cbor: ${this.documentName} byte ${offset}: ${what}`); }
  atEnd() { return this.offset === this.bytes.length; }

  uintAt(at, size) {
    const b = this.bytes;
    if (size === 1) return b[at];
    if (size === 2) return b[at] * 256 + b[at + 1];
    if (size === 4) return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
    const high = this.uintAt(at, 4); const low = this.uintAt(at + 4, 4);
    const value = high * 2 ** 32 + low;
    return Number.isSafeInteger(value) ? value : (BigInt(high) << 32n) | BigInt(low);
  }

  next() {
    if (this.itemsRead >= CBOR_ITEMS_MAX) throw this.errorAt(this.offset, `more than ${CBOR_ITEMS_MAX} items`);
    if (this.atEnd()) throw this.errorAt(this.offset, 'truncated, an item was expected');
    const start = this.offset;
    const left = this.bytes.length - start;
    const initial = this.bytes[start];
    const major = initial >> 5;
    const info = initial & 31;
    const item = { kind: 'other', value: 0, content: null, offset: start };
    let size = 1;
    const need = (bytes) => {
      if (bytes > left) throw this.errorAt(start, `truncated, the item needs ${bytes - left} more bytes`);
    };
    if (info >= 28 && info <= 30) throw this.errorAt(start, 'not well-formed CBOR');
    if (info === 31) {
      // Indefinite lengths and the break: read as "another kind", refused where a value is wanted.
      if (major === 0 || major === 1 || major === 6) throw this.errorAt(start, 'not well-formed CBOR');
    } else if (major === 7) {
      const extra = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
      need(1 + extra);
      size = 1 + extra;  // simple values and floats: another kind
    } else {
      let value = info;
      if (info >= 24) {
        const extra = 1 << (info - 24);
        need(1 + extra);
        value = this.uintAt(start + 1, extra);
        size = 1 + extra;
      }
      item.value = value;
      item.kind = ['unsigned', 'negative', 'bytes', 'text', 'array', 'map', 'tag'][major];
      if (major === 2 || major === 3) {
        if (typeof value === 'bigint' || value > left - size) need(Number(BigInt(size) + BigInt(value)));
        item.content = this.bytes.subarray(start + size, start + size + value);
        size += value;
      }
    }
    this.offset = start + size;
    this.itemsRead += 1;
    return item;
  }

  /** One whole item, with everything nested in it. */
  skip(depth = 0) {
    const item = this.next();
    if (item.kind === 'other') throw this.errorAt(item.offset, 'indefinite lengths, floats and simple values are not used');
    if (item.kind !== 'array' && item.kind !== 'map' && item.kind !== 'tag') return;
    if (depth + 1 >= CBOR_DEPTH_MAX) throw this.errorAt(item.offset, `nested more than ${CBOR_DEPTH_MAX} deep`);
    // A declared count far past the bytes left ends in "truncated"; the item budget bounds the loop.
    const children = item.kind === 'tag' ? 1 : item.value;
    const per = item.kind === 'map' ? 2 : 1;
    for (let i = 0; i < children; i += 1) {
      for (let k = 0; k < per; k += 1) this.skip(depth + 1);
    }
  }

  mismatch(field, item, wanted) { return this.errorAt(item.offset, `${field} is ${KIND[item.kind]}, not ${wanted}`); }

  readUnsigned(field) {
    const item = this.next();
    if (item.kind !== 'unsigned') throw this.mismatch(field, item, 'an unsigned integer');
    return item.value;
  }

  readInt(field) {
    const item = this.next();
    if (item.kind === 'unsigned' || item.kind === 'negative') {
      if (BigInt(item.value) > INT64_MAX) throw this.errorAt(item.offset, `${field} is past the 64-bit range`);
      if (item.kind === 'unsigned') return item.value;
      return typeof item.value === 'bigint' ? -1n - item.value : -1 - item.value;
    }
    throw this.mismatch(field, item, 'an integer');
  }

  readString(kind, field, max) {
    const item = this.next();
    if (item.kind !== kind) throw this.mismatch(field, item, KIND[kind]);
    if (item.content.length > max) {
      throw this.errorAt(item.offset, `${field} is ${item.content.length} bytes, more than ${max}`);
    }
    return item.content;
  }

  readBytes(field, max) { return this.readString('bytes', field, max); }
  /** The raw UTF-8 bytes of a text string, checked by the caller. */
  readText(field, max) { return this.readString('text', field, max); }

  readHead(kind, field, max, noun) {
    const item = this.next();
    if (item.kind !== kind) throw this.mismatch(field, item, KIND[kind]);
    if (item.value > max) throw this.errorAt(item.offset, `${field} has ${item.value} ${noun}, more than ${max}`);
    return item.value;
  }

  readArray(field, max) { return this.readHead('array', field, max, 'items'); }
  readMap(field, max) { return this.readHead('map', field, max, 'entries'); }
}

function cborHead(major, n) {
  if (n < 24) return [(major << 5) | n];
  if (n < 0x100) return [(major << 5) | 24, n];
  if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
  return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

// ---------- COSE_Sign1 (RFC 9052 §4.2) ----------

const COSE_SIGN1_TAG = 18;
const CWT_TAG = 61;
const COSE_ALG_EDDSA = -8;

/** Sig_structure = ["Signature1", protected, h'', payload] in CBOR: the bytes Ed25519 signs. */
export function coseSigStructure(protectedHeader, payload) {
  return concatBytes([
    Uint8Array.of(0x84), Uint8Array.of(...cborHead(3, 10)), utf8('Signature1'),
    Uint8Array.of(...cborHead(2, protectedHeader.length)), protectedHeader,
    Uint8Array.of(0x40),
    Uint8Array.of(...cborHead(2, payload.length)), payload,
  ]);
}

function parseProtectedHeader(bytes) {
  const reader = new CborReader(bytes, 'protected header');
  const pairs = reader.readMap('the protected header', HEADER_PAIRS_MAX);
  let alg = null; let kid = null;
  for (let i = 0; i < pairs; i += 1) {
    const label = reader.readInt('a header label');
    if (label === 1) {
      if (alg !== null) throw new FormatError('cose: the protected header has alg (1) twice');
      alg = reader.readInt('alg (1)');
    } else if (label === 4) {
      if (kid !== null) throw new FormatError('cose: the protected header has kid (4) twice');
      kid = reader.readBytes('kid (4)', KID_BYTES_MAX);
    } else if (label === 2) {
      throw new FormatError('cose: the protected header lists critical headers (2), which are not used');
    } else {
      reader.skip();
    }
  }
  if (!reader.atEnd()) throw reader.errorAt(reader.offset, 'bytes after the protected header');
  return { alg, kid };
}

/** The parts of a COSE_Sign1 (protected header, kid, payload, signature); FormatError otherwise. */
export function parseCoseSign1(cose, payloadBytesMax = INFLATED_BYTES_MAX) {
  const reader = new CborReader(cose, 'COSE_Sign1');
  let item = reader.next();
  if (item.kind === 'tag' && item.value === CWT_TAG) item = reader.next();
  if (item.kind !== 'tag' || item.value !== COSE_SIGN1_TAG) {
    throw reader.errorAt(item.offset, `not tag 18 (COSE_Sign1) but ${KIND[item.kind]}${item.kind === 'tag' ? ` ${item.value}` : ''}`);
  }
  const items = reader.readArray('COSE_Sign1', 4);
  if (items !== 4) throw new FormatError(`cose: COSE_Sign1 has ${items} items, not 4`);
  const protectedHeader = reader.readBytes('the protected header', PROTECTED_BYTES_MAX);
  const unprotectedPairs = reader.readMap('the unprotected header', HEADER_PAIRS_MAX);
  for (let i = 0; i < unprotectedPairs * 2; i += 1) reader.skip();
  const payload = reader.readBytes('the payload', payloadBytesMax);
  const signature = reader.readBytes('the signature', SIGNATURE_BYTES);
  if (signature.length !== SIGNATURE_BYTES) {
    throw new FormatError(`cose: the signature is ${signature.length} bytes, not 64 (Ed25519)`);
  }
  if (!reader.atEnd()) throw reader.errorAt(reader.offset, `${cose.length - reader.offset} bytes after the COSE_Sign1`);
  const header = parseProtectedHeader(protectedHeader);
  if (header.alg === null) throw new FormatError('cose: the protected header has no alg (1)');
  if (header.alg !== COSE_ALG_EDDSA) throw new FormatError(`cose: alg is ${header.alg}, not -8 (EdDSA)`);
  if (header.kid === null || header.kid.length === 0) throw new FormatError('cose: the protected header has no kid (4)');
  return { protectedHeader, kid: header.kid, payload, signature };
}

// ---------- CWT claims (RFC 8392) with Claim 169 ----------

const claimsError = (message) => new FormatError(`claims: ${message}`);

// One UTF-8 sequence at bytes[i]: [length, code point], or [0, 0] when invalid (core/person.cpp).
function utf8Sequence(bytes, i) {
  const byte = bytes[i];
  const length = byte < 0x80 ? 1 : (byte >> 5) === 0x6 ? 2 : (byte >> 4) === 0xe ? 3 : (byte >> 3) === 0x1e ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return [0, 0];
  let code = length === 1 ? byte : byte & (0xff >> (length + 1));
  for (let k = 1; k < length; k += 1) {
    const next = bytes[i + k];
    if ((next & 0xc0) !== 0x80) return [0, 0];
    code = (code << 6) | (next & 0x3f);
  }
  const minimum = [0, 0, 0x80, 0x800, 0x10000][length];
  if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return [0, 0];
  return [length, code];
}

const isControl = (c) => c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0x2028 || c === 0x2029;
const isInvisibleOrBidi = (c) => c === 0xad || c === 0x34f || c === 0x61c || c === 0x180e || (c >= 0x200b && c <= 0x200f)
  || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c === 0xfeff
  || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0000 && c <= 0xe007f);

// validate_text of core/person.cpp: required, at most `max` bytes of UTF-8, one line, no
// invisible characters, no space at either end.
function validateText(field, bytes, max) {
  if (bytes.length === 0) throw claimsError(`${field}: is required`);
  if (bytes.length > max) throw claimsError(`${field}: ${bytes.length} bytes is longer than the limit of ${max}`);
  for (let i = 0; i < bytes.length;) {
    const [length, c] = utf8Sequence(bytes, i);
    if (length === 0) throw claimsError(`${field}: byte ${i + 1} is not valid UTF-8`);
    if (isControl(c)) throw claimsError(`${field}: contains a control character at byte ${i + 1}`);
    if (isInvisibleOrBidi(c)) throw claimsError(`${field}: contains an invisible or text-direction character at byte ${i + 1}`);
    i += length;
  }
  if (bytes[0] === 0x20 || bytes[bytes.length - 1] === 0x20) throw claimsError(`${field}: must not start or end with a space`);
}

function validatePersonName(field, bytes) {
  validateText(field, bytes, NAME_BYTES_MAX);
  for (let i = 0; i < bytes.length;) {
    const [length, c] = utf8Sequence(bytes, i);
    const asciiLetter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const punctuation = c === 0x20 || c === 0x2e || c === 0x2c || c === 0x27 || c === 0x2d;
    const otherLetter = c >= 0xc0 && c !== 0xd7 && c !== 0xf7;
    if (!asciiLetter && !punctuation && !otherLetter) throw claimsError(`${field}: character at byte ${i + 1} is not allowed in a name`);
    i += length;
  }
  if (textOf(bytes).includes('  ')) throw claimsError(`${field}: contains two spaces in a row`);
}

const isIssuerChar = (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)
  || c === 0x3a || c === 0x2e || c === 0x5f || c === 0x2f || c === 0x2d;

// validate_suket_issuer: 1–64 characters of [A-Za-z0-9:._/-]; null when it holds.
export function issuerFault(bytes) {
  if (bytes.length === 0 || bytes.length > ISSUER_BYTES_MAX) return `issuer: ${bytes.length} characters, not 1–${ISSUER_BYTES_MAX}`;
  for (let i = 0; i < bytes.length; i += 1) {
    if (!isIssuerChar(bytes[i])) return `issuer: character ${i + 1} is not a letter, digit or one of : . _ / -`;
  }
  return null;
}

const allDigits = (bytes) => bytes.every((b) => b >= 0x30 && b <= 0x39);
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// "YYYYMMDD" to "YYYY-MM-DD": a real date, years 1850–2200 (parse_civil_date).
function dateOfText(field, bytes) {
  if (bytes.length !== DATE_CHARS || !allDigits(bytes)) throw claimsError(`${field} is not 8 digits YYYYMMDD`);
  const text = textOf(bytes);
  const year = Number(text.slice(0, 4)); const month = Number(text.slice(4, 6)); const day = Number(text.slice(6, 8));
  if (year < 1850 || year > 2200) throw claimsError(`${field}: year ${year} is out of range`);
  if (month < 1 || month > 12) throw claimsError(`${field}: month ${month} is not a month`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) throw claimsError(`${field}: ${text} is not a date`);
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

function firstTime(seen, key, reader, offset, mapName) {
  if (seen.has(key)) throw reader.errorAt(offset, `${mapName} has key ${key} twice`);
  seen.add(key);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const startsWith = (bytes, prefix) => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

// The first entry under key 62 that is a PNG or JPEG image; the others are read and passed over.
function decodeFace(reader) {
  const entries = reader.readArray('claim 169 key 62 (face)', BIOMETRICS_MAX);
  let face = null;
  for (let e = 0; e < entries; e += 1) {
    const pairs = reader.readMap('a face entry', MAP_PAIRS_MAX);
    let data = null; let format = 0; let subFormat = 0; let hasSubFormat = false;
    const seen = new Set();
    for (let i = 0; i < pairs; i += 1) {
      const key = reader.next();
      if (key.kind !== 'unsigned') { reader.skip(); continue; }
      firstTime(seen, key.value, reader, key.offset, 'a face entry');
      if (key.value === 0) data = reader.readBytes('the face image (62.0)', FACE_BYTES_MAX);
      else if (key.value === 1) format = reader.readUnsigned('the face data format (62.1)');
      else if (key.value === 2) { subFormat = reader.readUnsigned('the face sub-format (62.2)'); hasSubFormat = true; }
      else reader.skip();
    }
    if (data === null) throw claimsError(`face entry ${e + 1} has no data (62.0)`);
    const usable = format === 0 && hasSubFormat && (subFormat === 0 || subFormat === 1);
    if (usable && !face) face = { image: data.slice(), format: subFormat === 0 ? 'png' : 'jpeg' };
  }
  return face;
}

function decodeIdentity(reader, raw) {
  const pairs = reader.readMap('claim 169', MAP_PAIRS_MAX);
  const seen = new Set();
  let birth = null; let ready = null; let gender = null;
  for (let i = 0; i < pairs; i += 1) {
    const key = reader.next();
    if (key.kind !== 'unsigned') { reader.skip(); continue; }
    firstTime(seen, key.value, reader, key.offset, 'claim 169');
    switch (key.value) {
      case 1: raw.id = reader.readText('claim 169 key 1 (ID)', NIK_DIGITS); break;
      case 4: raw.fullName = reader.readText('claim 169 key 4 (full name)', NAME_BYTES_MAX); break;
      case 8: birth = reader.readText('claim 169 key 8 (date of birth)', DATE_CHARS); break;
      case 9: gender = reader.readUnsigned('claim 169 key 9 (gender)'); break;
      case 10: raw.address = reader.readText('claim 169 key 10 (address)', ADDRESS_BYTES_MAX); break;
      case 62: raw.face = decodeFace(reader); break;
      case 99: ready = reader.readText('claim 169 key 99 (card ready date)', DATE_CHARS); break;
      default: reader.skip();
    }
  }
  for (const [key, name] of [[1, '1 (ID)'], [4, '4 (full name)'], [8, '8 (date of birth)'], [9, '9 (gender)'], [10, '10 (address)']]) {
    if (!seen.has(key)) throw claimsError(`claim 169 has no key ${name}`);
  }
  raw.birthDate = dateOfText('claim 169 key 8 (date of birth)', birth);
  if (ready !== null) raw.cardReadyEstimate = dateOfText('claim 169 key 99', ready);
  if (gender !== 1 && gender !== 2 && gender !== 3) throw claimsError('claim 169 key 9 (gender) is not 1, 2 or 3');
  raw.gender = gender;
}

function cwtTime(reader, field) {
  const value = reader.readUnsigned(field);
  if (value > TIME_MAX_S) throw claimsError(`${field} is past 9999-12-31T23:59:59Z`);
  return value;
}

/**
 * The claims of a CWT payload:
 * {nik, fullName, birthDate: "YYYY-MM-DD", gender: 1|2|3, address, face: {image, format: "png"|"jpeg"} | null,
 *  cardReadyEstimate: "YYYY-MM-DD" | null, issuer, issuedAt, expiresAt (seconds)}. FormatError otherwise.
 */
export function decodeCwtClaims(payload) {
  const reader = new CborReader(payload, 'payload');
  const pairs = reader.readMap('the CWT claims', MAP_PAIRS_MAX);
  const raw = { face: null, cardReadyEstimate: null };
  let issuer = null; let subject = null; let expiresAt = 0; let issuedAt = 0;
  const seen = new Set();
  for (let i = 0; i < pairs; i += 1) {
    const key = reader.next();
    if (key.kind !== 'unsigned') { reader.skip(); continue; }  // CWT allows other keys; none is ours
    firstTime(seen, key.value, reader, key.offset, 'the CWT claims');
    switch (key.value) {
      case 1: issuer = reader.readText('iss (1)', ISSUER_BYTES_MAX); break;
      case 2: subject = reader.readText('sub (2)', NIK_DIGITS); break;
      case 4: expiresAt = cwtTime(reader, 'exp (4)'); break;
      case 6: issuedAt = cwtTime(reader, 'iat (6)'); break;
      case 169: decodeIdentity(reader, raw); break;
      default: reader.skip();
    }
  }
  if (!reader.atEnd()) throw reader.errorAt(reader.offset, 'bytes after the CWT claims');
  for (const [key, name] of [[1, '1 (iss)'], [2, '2 (sub)'], [4, '4 (exp)'], [6, '6 (iat)'], [169, '169 (identity data)']]) {
    if (!seen.has(key)) throw claimsError(`the CWT has no claim ${name}`);
  }
  if (!sameBytes(subject, raw.id)) throw claimsError('sub (2) is not claim 169\'s ID (1)');
  // validate_claims, in its order.
  if (raw.id.length !== NIK_DIGITS || !allDigits(raw.id)) throw claimsError('nik is not 16 digits');
  validatePersonName('full_name', raw.fullName);
  validateText('address', raw.address, ADDRESS_BYTES_MAX);
  if (raw.face) {
    const { image, format } = raw.face;
    if (image.length === 0 || image.length > FACE_BYTES_MAX) throw claimsError(`face image is ${image.length} bytes, not 1–${FACE_BYTES_MAX}`);
    if (!startsWith(image, format === 'png' ? PNG_SIGNATURE : JPEG_SIGNATURE)) {
      throw claimsError(`face image does not begin with the ${format === 'png' ? 'PNG' : 'JPEG'} signature`);
    }
  }
  const fault = issuerFault(issuer);
  if (fault) throw claimsError(fault);
  if (!(expiresAt > issuedAt)) throw claimsError('need 0 ≤ issued_at < expires_at ≤ 9999-12-31T23:59:59Z');
  return {
    nik: textOf(raw.id), fullName: textOf(raw.fullName), birthDate: raw.birthDate, gender: raw.gender,
    address: textOf(raw.address), face: raw.face, cardReadyEstimate: raw.cardReadyEstimate,
    issuer: textOf(issuer), issuedAt, expiresAt,
  };
}

// ---------- the credential ----------

/** The COSE_Sign1 bytes of a QR text: length, Base45, bounded inflate. FormatError otherwise. */
export async function suketCoseBytes(qrText) {
  if (qrText.length > QR_CHARS_MAX) throw new FormatError(`qr: ${qrText.length} characters, more than ${QR_CHARS_MAX}`);
  return inflateBounded(base45Decode(qrText), INFLATED_BYTES_MAX);
}

// "2026-07-01T00:00:00Z", for reasons.
const utcText = (seconds) => (seconds >= 0 && seconds <= TIME_MAX_S
  ? `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z` : `${seconds} s after 1970`);

/**
 * Verifies a SUKET's QR text against a trust list (from parseTrustList) and a superseded list
 * (from parseSupersededList, or null), at `nowSeconds`. The first failing check decides:
 *   text, Base45, zlib ≤ 64 KiB, COSE_Sign1            → malformed
 *   the kid is in the trust list                        → unknown_issuer
 *   the Ed25519 signature verifies with that key        → forged
 *   the CWT claims are whole and within the limits      → malformed
 *   the key is for the iss, and iat is in its window    → unknown_issuer
 *   the suket id is not on the superseded list          → superseded
 *   nowSeconds is before exp                            → expired
 * Returns {status, reason, claims?, kid, id}: `claims` (see decodeCwtClaims) for valid, expired
 * and superseded; `kid` (hex) once the header is read, `id` (the suket id) once the COSE is read,
 * else "". Never throws.
 */
export async function verifySuket(qrText, trustList, supersededList, nowSeconds) {
  const verdict = { status: STATUS.malformed, reason: '', kid: '', id: '' };
  const decide = (status, reason) => Object.assign(verdict, { status, reason });
  let parts;
  try {
    if (typeof qrText !== 'string') return decide(STATUS.malformed, 'qr: not a text');
    parts = parseCoseSign1(await suketCoseBytes(qrText), INFLATED_BYTES_MAX);
  } catch (e) {
    return decide(STATUS.malformed, reasonOf(e));
  }
  try {
    verdict.kid = hexOf(parts.kid);
    verdict.id = await suketIdOfSignature(parts.signature);
    const keys = trustList?.keys ?? [];
    const key = parts.kid.length === KID_BYTES ? keys.find((k) => k.kid === verdict.kid) : undefined;
    if (!key) {
      return decide(STATUS.unknownIssuer, `kid ${verdict.kid} is not in the trust list of ${utcText(trustList?.issuedAt ?? 0)}`);
    }
    if (!await verifyEd25519(key.publicKey, coseSigStructure(parts.protectedHeader, parts.payload), parts.signature)) {
      return decide(STATUS.forged, `the signature does not verify with key ${verdict.kid} of ${key.issuer}`);
    }
    let claims;
    try {
      claims = decodeCwtClaims(parts.payload);
    } catch (e) {
      return decide(STATUS.malformed, reasonOf(e));
    }
    if (claims.issuer !== key.issuer) {
      return decide(STATUS.unknownIssuer, `key ${verdict.kid} is ${key.issuer}'s, but the credential names ${claims.issuer} as its issuer`);
    }
    if (claims.issuedAt < key.notBefore || claims.issuedAt > key.notAfter) {
      return decide(STATUS.unknownIssuer, `key ${verdict.kid} signs from ${utcText(key.notBefore)} to ${utcText(key.notAfter)}, not at iat ${utcText(claims.issuedAt)}`);
    }
    verdict.claims = claims;
    if (supersededList && supersededList.ids.includes(verdict.id)) {
      return decide(STATUS.superseded, `SUKET ${verdict.id} is on the superseded list of ${utcText(supersededList.issuedAt)}; a newer one was issued`);
    }
    if (!(nowSeconds < claims.expiresAt)) return decide(STATUS.expired, `expired at ${utcText(claims.expiresAt)}`);
    return decide(STATUS.valid, '');
  } catch (e) {
    delete verdict.claims;
    return decide(STATUS.malformed, reasonOf(e));
  }
}

const reasonOf = (e) => (e instanceof FormatError ? e.message : `internal: ${String(e?.message || e)}`);
