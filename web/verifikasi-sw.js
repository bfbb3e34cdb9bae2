// Service worker of the SUKET verification page, registered by js/suket/page.js with scope
// /verifikasi (this file lives at the web root so that scope is allowed). After one online
// visit the page opens and verifies without a network:
//   - the page, its scripts, styles and the QR reader: cache first (kept at install), each
//     refreshed in the background after it is served, so a new deploy shows on the next visit;
//   - the three public trust URLs: network first, the last good answer from the cache when the
//     network fails, marked with the header x-ektp-from-cache: 1 so the page knows it is offline.
// Change CACHE_NAME when the list of files changes.
const CACHE_NAME = 'ektp-verifikasi-2';
const PAGE = '/verifikasi';
const ASSETS = [
  PAGE,
  '/css/app.css',
  '/css/verifikasi.css',
  '/js/dom.js',
  '/js/suket/page.js',
  '/js/suket/verify.js',
  '/js/suket/signed-lists.js',
  '/js/suket/trust-store.js',
  '/js/suket/scan.js',
  '/vendor/jsqr/jsqr.mjs',
];
const API = ['/api/v1/public/trust-root', '/api/v1/public/trust-list', '/api/v1/public/superseded'];
const FROM_CACHE_HEADER = 'x-ektp-from-cache';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE_NAME);
    await cache.addAll(ASSETS.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE_NAME && name.startsWith('ektp-verifikasi-')) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function refresh(cache, key) {
  try {
    const response = await fetch(key, { cache: 'no-cache' });
    if (response.ok && !response.redirected) await cache.put(key, response);
  } catch { /* offline: the cached copy stays */ }
}

async function cacheFirst(event, key) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(key);
  if (cached) {
    event.waitUntil(refresh(cache, key));
    return cached;
  }
  const response = await fetch(event.request);
  if (response.ok && !response.redirected) event.waitUntil(cache.put(key, response.clone()));
  return response;
}

async function networkFirst(event, key) {
  const cache = await caches.open(CACHE_NAME);
  try {
    const response = await fetch(event.request, { cache: 'no-store' });
    if (response.ok) event.waitUntil(cache.put(key, response.clone()));
    return response;
  } catch {
    const cached = await cache.match(key);
    if (!cached) return Response.error();
    const headers = new Headers(cached.headers);
    headers.set(FROM_CACHE_HEADER, '1');
    return new Response(await cached.blob(), { status: cached.status, statusText: cached.statusText, headers });
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (API.includes(url.pathname)) {
    event.respondWith(networkFirst(event, url.pathname));
    return;
  }
  const isPage = request.mode === 'navigate' && (url.pathname === PAGE || url.pathname === `${PAGE}.html`);
  const key = isPage ? PAGE : url.pathname;
  if (ASSETS.includes(key) && (isPage || url.search === '')) event.respondWith(cacheFirst(event, key));
});
