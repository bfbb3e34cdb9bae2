// SUKET test material: the worked example of docs/suket-format.md §6, read from the document
// itself so the tests follow it, and a small issuer (CBOR, COSE_Sign1 with Node's Ed25519, zlib,
// Base45) to make other credentials with the example's keys. Also a tiny PNG writer.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const doc = fs.readFileSync(path.resolve(here, '../../docs/suket-format.md'), 'utf8');
const fenced = (pattern) => {
  const m = pattern.exec(doc);
  if (!m) throw new Error(`docs/suket-format.md: no ${pattern}`);
  return m[1];
};

export const EXAMPLE = Object.freeze({
  qrText: fenced(/\*\*QR text\*\*[^`]*```\n([^\n]*)\n```/),
  coseHex: fenced(/The same bytes in one line:\s*```\n([0-9a-f]+)\n```/),
  trustListJson: fenced(/\*\*Trust list\*\*[\s\S]*?```json\n([^\n]*)\n```/),
  supersededJson: fenced(/\*\*Superseded list\*\*[\s\S]*?```json\n([^\n]*)\n```/),
  rootPublicKey: fenced(/public key\s+`([A-Za-z0-9_-]{43})`, kid `24f6ed6acbfe1009`/),
  rootKid: '24f6ed6acbfe1009',
  issuerKid: '56475aa75463474c',
  issuerPublicKeyHex: '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8',
  suketId: '799560ba5127f0f4cd241610bad1f7da',
  issuedAt: 1767225600,   // 2026-01-01T00:00:00Z
  expiresAt: 1782864000,  // 2026-07-01T00:00:00Z
  claims: {
    nik: '3327015508900001', fullName: 'SITI AMINAH', birthDate: '1990-08-15', gender: 2,
    address: 'JL. MERDEKA NO. 10, RT 001/RW 002, MULYOHARJO, PEMALANG', face: null,
    cardReadyEstimate: '2026-02-16', issuer: 'ektp:3327', issuedAt: 1767225600, expiresAt: 1782864000,
  },
});

// Seeds of §6: the issuer key 00…1f, the root key 20…3f; another key 40…5f that nobody trusts.
export const seedOf = (first) => Uint8Array.from({ length: 32 }, (_, i) => first + i);
export const ISSUER_SEED = seedOf(0x00);
export const ROOT_SEED = seedOf(0x20);
export const STRANGER_SEED = seedOf(0x40);

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const privateKeyOf = (seed) => crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
export const publicKeyOf = (seed) => new Uint8Array(Buffer.from(crypto.createPublicKey(privateKeyOf(seed)).export({ format: 'jwk' }).x, 'base64url'));
export const kidOf = (publicKey) => new Uint8Array(crypto.createHash('sha256').update(publicKey).digest().subarray(0, 8));
export const sign = (seed, message) => new Uint8Array(crypto.sign(null, message, privateKeyOf(seed)));

// ---------- CBOR: Map (keys in insertion order), Uint8Array, string, integer, array, {tag, value} ----------

function head(major, n) {
  const big = BigInt(n);
  if (big < 24n) return [(major << 5) | Number(big)];
  if (big < 0x100n) return [(major << 5) | 24, Number(big)];
  if (big < 0x10000n) return [(major << 5) | 25, Number(big >> 8n), Number(big & 0xffn)];
  if (big < 0x100000000n) return [(major << 5) | 26, ...[24n, 16n, 8n, 0n].map((s) => Number((big >> s) & 0xffn))];
  return [(major << 5) | 27, ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((big >> s) & 0xffn))];
}

export function cbor(value) {
  const out = [];
  const put = (v) => {
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (v >= 0) out.push(...head(0, v)); else out.push(...head(1, -1n - BigInt(v)));
    } else if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      out.push(...head(3, bytes.length), ...bytes);
    } else if (v instanceof Uint8Array) {
      out.push(...head(2, v.length), ...v);
    } else if (Array.isArray(v)) {
      out.push(...head(4, v.length));
      v.forEach(put);
    } else if (v instanceof Map) {
      out.push(...head(5, v.size));
      for (const [k, x] of v) { put(k); put(x); }
    } else if (v && 'tag' in v) {
      out.push(...head(6, v.tag));
      put(v.value);
    } else if (v && 'raw' in v) {
      out.push(...v.raw);  // bytes as they are, for malformed CBOR
    } else {
      throw new Error(`cbor: cannot encode ${v}`);
    }
  };
  put(value);
  return Uint8Array.from(out);
}

const compact = (iso) => iso.replaceAll('-', '');

/** The CWT claims map of docs/suket-format.md §3; `extra` pairs go into claim 169. */
export function claimsMap(claims, { extraIdentity = [] } = {}) {
  const identity = new Map([[1, claims.nik], [4, claims.fullName], [8, compact(claims.birthDate)], [9, claims.gender], [10, claims.address]]);
  if (claims.face) identity.set(62, [new Map([[0, claims.face.image], [1, 0], [2, claims.face.format === 'png' ? 0 : 1]])]);
  if (claims.cardReadyEstimate) identity.set(99, compact(claims.cardReadyEstimate));
  for (const [k, v] of extraIdentity) identity.set(k, v);
  return new Map([[1, claims.issuer], [2, claims.sub ?? claims.nik], [4, claims.expiresAt], [6, claims.issuedAt], [169, identity]]);
}

/** COSE_Sign1 of `payload` signed with `seed`; `kid` defaults to the seed's own. */
export function coseSign1(payload, seed, { kid, protectedMap, signature, cwtTag = false } = {}) {
  const header = cbor(protectedMap ?? new Map([[1, -8], [4, kid ?? kidOf(publicKeyOf(seed))]]));
  const toSign = cbor(['Signature1', header, new Uint8Array(0), payload]);
  const cose = { tag: 18, value: [header, new Map(), payload, signature ?? sign(seed, toSign)] };
  return cbor(cwtTag ? { tag: 61, value: cose } : cose);
}

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
export function base45Encode(bytes) {
  let text = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    for (let k = 0; k < 3; k += 1, n = Math.floor(n / 45)) text += BASE45[n % 45];
  }
  if (i < bytes.length) text += BASE45[bytes[i] % 45] + BASE45[Math.floor(bytes[i] / 45)];
  return text;
}

export const qrTextOfCose = (cose) => base45Encode(zlib.deflateSync(cose, { level: 9 }));

/** A whole SUKET QR text for `claims`, signed by `seed` (the example issuer by default). */
export const issueSuket = (claims, seed = ISSUER_SEED, options = {}) => qrTextOfCose(coseSign1(cbor(claimsMap(claims, options)), seed, options));

// ---------- PNG ----------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4); length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGB PNG of width × height whose pixel (x, y) is rgb(x, y) → [r, g, b]. */
export function png(width, height, rgb) {
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) row.set(rgb(x, y), 1 + x * 3);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2;  // 8 bits, RGB
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]));
}

/** A small face-like picture (a PNG of a few hundred bytes) for claim 62. */
export const FACE_PNG = png(24, 32, (x, y) => {
  const inFace = (x - 12) ** 2 / 81 + (y - 14) ** 2 / 121 < 1;
  const eye = (y === 11 || y === 12) && (x === 8 || x === 9 || x === 15 || x === 16);
  return eye ? [40, 30, 20] : inFace ? [224, 182, 140] : [70, 110, 170];
});

/** The example's claims with a face: issued by the example key within its window. */
export const CLAIMS_WITH_FACE = Object.freeze({
  ...EXAMPLE.claims, nik: '3327014107950002', fullName: 'DEWI LESTARI', birthDate: '1995-07-01', gender: 2,
  address: 'JL. PEMUDA NO. 3, RT 002/RW 004, PELUTAN, PEMALANG', face: { image: FACE_PNG, format: 'png' },
  cardReadyEstimate: null,
});
