// Which server this page came from: a station (`ektp station`, offline-first service point) or
// central (`ektp serve`). A station answers GET /api/v1/station/status (200 with a token, 401
// without one); central has no such route (404).
import { getSession } from './session.js';

let mode = null;

export async function detectMode() {
  if (mode) return mode;
  const headers = { Accept: 'application/json' };
  const s = getSession();
  if (s) headers.Authorization = `Bearer ${s.token}`;
  try {
    const res = await fetch('/api/v1/station/status', { headers });
    mode = res.status === 200 || res.status === 401 || res.status === 403 ? 'station' : 'central';
  } catch {
    return 'central'; // no answer at all: decided again on the next page
  }
  return mode;
}

export const isStation = () => mode === 'station';
