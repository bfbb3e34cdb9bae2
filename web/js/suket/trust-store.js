// What a SUKET verifier trusts, kept in this browser (localStorage) so it verifies offline:
//   - the root public key, pinned on the first visit from GET /api/v1/public/trust-root (trust on
//     first use) and never replaced by what a server says later;
//   - the last trust list and superseded list that verified against that root, as the JSON text
//     received and when it was fetched. Stored texts are verified again on every load.
// A list fetched later replaces the stored one only if it verifies against the pinned root and is
// not older; otherwise the stored one stays and a warning says why. No DOM.
import { ListError, parseSupersededList, parseTrustList, parseTrustRoot } from './signed-lists.js';

export const API = Object.freeze({
  root: '/api/v1/public/trust-root',
  trustList: '/api/v1/public/trust-list',
  superseded: '/api/v1/public/superseded',
});

export const STORAGE_KEYS = Object.freeze({
  root: 'ektp.suket.root',
  trustList: 'ektp.suket.trust_list',
  superseded: 'ektp.suket.superseded',
});

// The header the service worker (verifikasi-sw.js) puts on an answer it gave from its cache
// because the network failed: such an answer is not news from the server.
export const FROM_CACHE_HEADER = 'x-ektp-from-cache';

const LIST_LABEL = { trustList: 'Daftar penerbit', superseded: 'Daftar SUKET yang diganti' };

// Why a list was refused, for a person.
function refusalText(error) {
  const why = error instanceof ListError ? error.reason : '';
  if (why.endsWith('_bad_signature')) return 'tanda tangannya tidak cocok dengan kunci akar';
  if (why.endsWith('_wrong_root')) return 'ditandatangani oleh kunci akar lain, bukan kunci akar yang disematkan di peramban ini';
  if (why.endsWith('_too_large')) return 'ukurannya melebihi batas';
  return 'isinya rusak atau tidak sesuai format';
}

function readJson(storage, key) {
  try {
    const text = storage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function writeJson(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;  // storage full or refused: the list is still used for this visit
  }
}

// One GET: {ok, status, text, fromCache} or {failed: true} when there was no answer at all.
async function get(fetchImpl, url) {
  try {
    const response = await fetchImpl(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
    const text = await response.text();
    return { ok: response.ok, status: response.status, text, fromCache: response.headers.get(FROM_CACHE_HEADER) === '1' };
  } catch {
    return { failed: true };
  }
}

/**
 * Loads what is stored, pins the root on the first visit, fetches both lists when it can and
 * keeps the newest good ones. Options (for tests): fetch, storage, now (ms), online.
 * Returns {
 *   root: {kid, publicKey, publicKeyText, pinnedAt} | null,  pinnedNow: true on the visit that pinned it,
 *   trustList, superseded: the parsed lists (verify.js) or null,
 *   trustListFetchedAt, supersededFetchedAt: ms when the kept list was fetched, or null,
 *   offline: no fresh answer from the server this time,
 *   warnings: [Indonesian sentences]
 * }
 */
export async function loadTrust(options = {}) {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const storage = options.storage ?? globalThis.localStorage;
  const now = options.now ?? Date.now;
  const state = {
    root: null, pinnedNow: false, trustList: null, superseded: null,
    trustListFetchedAt: null, supersededFetchedAt: null,
    offline: options.online === false, warnings: [],
  };

  // The root: pinned once, then only read from storage.
  const pinned = readJson(storage, STORAGE_KEYS.root);
  if (pinned) {
    try {
      const root = await parseTrustRoot({ kid: pinned.kid, alg: 'EdDSA', public_key: pinned.public_key });
      state.root = { ...root, pinnedAt: pinned.pinned_at ?? null };
    } catch {
      state.warnings.push('Kunci akar yang tersimpan di peramban ini rusak. Hapus data situs ini lalu buka halaman ini lagi saat tersambung.');
      return state;
    }
  }
  const fetches = {
    root: get(fetchImpl, API.root),
    trustList: get(fetchImpl, API.trustList),
    superseded: get(fetchImpl, API.superseded),
  };
  const rootAnswer = await fetches.root;
  if (rootAnswer.failed || rootAnswer.fromCache) state.offline = true;
  if (!state.root) {
    if (rootAnswer.failed || !rootAnswer.ok) {
      state.warnings.push('Kunci akar belum tersimpan dan server tidak dapat dihubungi. Buka halaman ini sekali saat tersambung ke internet.');
      return state;
    }
    try {
      const root = await parseTrustRoot(JSON.parse(rootAnswer.text));
      const pinnedAt = now();
      writeJson(storage, STORAGE_KEYS.root, { kid: root.kid, public_key: root.publicKeyText, pinned_at: pinnedAt });
      state.root = { ...root, pinnedAt };
      state.pinnedNow = true;
    } catch {
      state.warnings.push('Server mengirim kunci akar yang tidak sah; SUKET belum dapat diperiksa.');
      return state;
    }
  } else if (rootAnswer.ok && !rootAnswer.fromCache) {
    try {
      const served = JSON.parse(rootAnswer.text);
      if (served?.kid !== state.root.kid) {
        state.warnings.push(`Server kini menyebut kunci akar lain (${String(served?.kid).slice(0, 16)}). Peramban ini tetap memakai kunci akar yang disematkan (${state.root.kid}); daftar dari kunci lain ditolak.`);
      }
    } catch { /* a bad answer changes nothing: the pinned root stays */ }
  }

  const lists = [
    { name: 'trustList', key: STORAGE_KEYS.trustList, parse: parseTrustList },
    { name: 'superseded', key: STORAGE_KEYS.superseded, parse: parseSupersededList },
  ];
  await Promise.all(lists.map(async ({ name, key, parse }) => {
    const label = LIST_LABEL[name];
    let kept = null;
    const stored = readJson(storage, key);
    if (stored && typeof stored.text === 'string') {
      try {
        kept = { list: await parse(stored.text, state.root.publicKey), fetchedAt: stored.fetched_at ?? null };
      } catch {
        state.warnings.push(`${label} yang tersimpan di peramban ini tidak sah lagi dan diabaikan.`);
      }
    }
    const answer = await fetches[name];
    if (answer.failed || answer.fromCache) state.offline = true;
    if (!answer.failed && !answer.ok && !answer.fromCache) {
      state.warnings.push(`${label} tidak dapat diambil dari server (HTTP ${answer.status}); ${kept ? 'dipakai salinan tersimpan' : 'belum ada salinan tersimpan'}.`);
    } else if (!answer.failed && answer.ok) {
      try {
        const list = await parse(answer.text, state.root.publicKey);
        if (kept && list.issuedAt < kept.list.issuedAt) {
          if (!answer.fromCache) state.warnings.push(`${label} dari server lebih lama daripada salinan tersimpan; salinan tersimpan tetap dipakai.`);
        } else if (answer.fromCache) {
          // Kept by the service worker from an earlier visit: newer than storage (or storage was
          // cleared), but it is not news from the server, so its fetch time stays unknown.
          if (!kept || list.issuedAt > kept.list.issuedAt) kept = { list, fetchedAt: kept?.fetchedAt ?? null };
        } else {
          kept = { list, fetchedAt: now() };
          writeJson(storage, key, { text: answer.text, fetched_at: kept.fetchedAt });
        }
      } catch (error) {
        if (!answer.fromCache) {
          state.warnings.push(`${label} dari server ditolak: ${refusalText(error)}. ${kept ? 'Salinan tersimpan yang sah tetap dipakai.' : 'Belum ada salinan sah yang tersimpan.'}`);
        }
      }
    }
    if (kept) {
      state[name] = kept.list;
      state[`${name}FetchedAt`] = kept.fetchedAt;
    }
  }));
  return state;
}

