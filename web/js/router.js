// Hash routing: "#/orang/3327...?a=b" → { path: ['orang','3327...'], query: URLSearchParams }.

export function parseHash(hash = location.hash) {
  const s = hash.replace(/^#\/?/, '');
  const [p, q = ''] = s.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

export function go(path) {
  if (location.hash === '#' + path) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = path;
}

/** routes: [{ match: ['orang', ':nik'], ... }] → the route and its params, or null. */
export function matchRoute(routes, path) {
  for (const route of routes) {
    if (route.match.length !== path.length) continue;
    const params = {};
    let ok = true;
    route.match.forEach((seg, i) => {
      if (seg.startsWith(':')) params[seg.slice(1)] = path[i];
      else if (seg !== path[i]) ok = false;
    });
    if (ok) return { route, params };
  }
  return null;
}
