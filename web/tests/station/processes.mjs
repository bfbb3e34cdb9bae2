// Real `ektp serve` and `ektp station` processes for the station browser test: started on port 0
// (the port is read from their "listening on" line), restarted on the same port, stopped by PID.
// Every PID is appended to $EKTP_STATION_TMP/pids so the shell script can stop leftovers.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../../..');
// The real test images the repository carries (tests/data: FVC impressions, face photos).
export const TEST_DATA = path.resolve(ROOT, 'tests/data');
export const TMP = process.env.EKTP_STATION_TMP;
export const EKTP = process.env.EKTP_BIN;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Server {
  /** name: for the log file; args: the ektp arguments without --port. */
  constructor(name, args) {
    this.name = name;
    this.args = args;
    this.log = path.join(TMP, `${name}.log`);
    this.port = 0;
    this.child = null;
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  async start() {
    const offset = fs.existsSync(this.log) ? fs.statSync(this.log).size : 0;
    const fd = fs.openSync(this.log, 'a');
    const child = spawn(EKTP, [...this.args, '--port', String(this.port), '--web-root', path.join(ROOT, 'web')],
      { cwd: ROOT, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    fs.appendFileSync(path.join(TMP, 'pids'), `${child.pid}\n`);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 120_000;  // central generates its demo population first
    while (Date.now() < deadline) {
      const text = fs.readFileSync(this.log, 'utf8').slice(offset);
      const m = /listening on http:\/\/[^ ]*:(\d+)/.exec(text);
      if (m) {
        this.port = Number(m[1]);
        if (await healthy(this.url)) return this;
      }
      if (child.exitCode !== null) throw new Error(`${this.name} exited:\n${text.slice(-2000)}`);
      await sleep(250);
    }
    throw new Error(`${this.name} did not start in 120 s`);
  }

  /** SIGTERM (orderly) or SIGKILL (a power cut); waits until the process is gone. */
  async stop(signal = 'SIGTERM') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
    this.child = null;
  }
}

async function healthy(url) {
  try {
    const r = await fetch(`${url}/api/v1/health`);
    return r.ok;
  } catch { return false; }
}

/** `ektp ARGS…` to completion; throws with its output on failure. */
export function ektp(...args) {
  const r = spawnSync(EKTP, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ektp ${args[0]} ${args[1] || ''} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** One column of a query against an SQLite file (read-only use while the server runs). */
export function sqlite(file, sql) {
  const r = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}
