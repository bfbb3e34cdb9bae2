// The login session lives in sessionStorage (per tab, gone when the tab closes).
const KEY = 'ektp.session';

export function getSession() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { return null; }
}
export function setSession(s) { sessionStorage.setItem(KEY, JSON.stringify(s)); }
export function clearSession() { sessionStorage.removeItem(KEY); }
export function hasRole(...roles) { const s = getSession(); return !!s && roles.includes(s.role); }
