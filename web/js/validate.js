// Client-side checks with Indonesian messages. The server checks again and has the last word.

export function validNik(v, what = 'NIK') {
  if (!v) return `${what} wajib diisi.`;
  if (!/^\d{16}$/.test(v)) return `${what} harus terdiri dari 16 digit angka (sekarang ${v.replace(/\s/g, '').length} karakter).`;
  return null;
}

/** Today's date in Asia/Jakarta as YYYY-MM-DD. */
export function todayJakarta() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export function dateNotFuture(v) {
  if (!v) return 'Tanggal wajib diisi.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) return 'Tanggal tidak valid.';
  if (v > todayJakarta()) return 'Tanggal tidak boleh di masa depan.';
  return null;
}
