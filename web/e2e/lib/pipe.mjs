// Hosts on real pipes: `pglet page NAME --server URL --no-window` prints `<pipe> <url>`;
// a command is written to the pipe and its reply read back from it; events arrive as
// lines on `<pipe>.events`. Each PipeHost has its own TMPDIR, so its proxy daemon is its
// own, and close() stops that daemon (found by pid through the TMPDIR in its environment).
import { execFile, spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PGLET_BIN, freePort } from "./server.mjs";

/** The binary for `pglet page`/`pglet app` (ours unless PGLET_CLIENT_BIN names another). */
export const CLIENT_BIN = process.env.PGLET_CLIENT_BIN ?? PGLET_BIN;

const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms))]);

/** A fresh TMPDIR (so a daemon of its own) and the environment for `pglet page`/`app`. */
export async function clientEnv() {
  const dir = mkdtempSync(join(tmpdir(), "pglet-pipe-"));
  // PGLET_SERVER_PORT: the reference's daemon also serves on that port; keep it free.
  return { dir, env: { ...process.env, TMPDIR: dir, PGLET_SERVER_PORT: String(await freePort()), PGLET_LOG_LEVEL: "warn" } };
}

/**
 * Pids of the proxy daemon of one host: the pid file ours writes, and any process started
 * with TMPDIR=dir (the reference's daemon writes no pid file).
 */
function pidsWithTmpdir(dir) {
  const out = [];
  try {
    const pid = Number(readFileSync(join(dir, "pglet-rs-client.pid"), "utf8").trim());
    if (pid > 0) out.push(pid);
  } catch {
    /* no pid file */
  }
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${p}/environ`, "utf8").split("\0");
      if (env.includes(`TMPDIR=${dir}`)) out.push(Number(p));
    } catch {
      /* gone or not ours */
    }
  }
  return out;
}

/** Stops the proxy daemon(s) started with TMPDIR=dir. */
export const stopDaemons = (dir) => stopPids(pidsWithTmpdir(dir));

function stopPids(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
}

/** One command pipe (a shared page, or one app session) with its event pipe. */
export class Pipe {
  constructor(path, url) {
    this.path = path;
    this.url = url;
    this.events = [];
    this.waiters = [];
    // A shell loop keeps the event FIFO read: the daemon re-opens it for every event. Its own
    // process group, so stopReader() also ends a `cat` blocked in open().
    this.reader = spawn("sh", ["-c", 'while [ -p "$1" ]; do cat "$1"; done', "sh", `${path}.events`], { stdio: ["ignore", "pipe", "ignore"], detached: true });
    createInterface({ input: this.reader.stdout }).on("line", (line) => {
      this.events.push(line);
      this.waiters = this.waiters.filter((w) => !w());
    });
  }

  /** Writes a command and reads its reply: the result, or throws `error ...`. */
  async cmd(text) {
    await withTimeout(writeFile(this.path, text + "\n"), 10000, `write ${text}`);
    const reply = await withTimeout(readFile(this.path, "utf8"), 10000, `reply to ${text}`);
    if (reply.startsWith("error ")) throw new Error(`${text.split("\n")[0]}: ${reply.trim()}`);
    const m = /^(\d+) ([\s\S]*)$/.exec(reply);
    if (!m) throw new Error(`bad reply to ${text}: ${JSON.stringify(reply)}`);
    return m[2].replace(/\n$/, "");
  }

  /** A fire-and-forget command (`setf`, `addf`...): nothing to read back. */
  async cmdf(text) {
    await withTimeout(writeFile(this.path, text + "\n"), 10000, `write ${text}`);
  }

  /** The next event line matching `re`, taken off the queue. */
  waitEvent(re, ms = 5000) {
    return new Promise((res, rej) => {
      const check = () => {
        const i = this.events.findIndex((e) => re.test(e));
        if (i < 0) return false;
        const [e] = this.events.splice(i, 1);
        clearTimeout(t);
        res(e);
        return true;
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        rej(new Error(`no event matching ${re} within ${ms} ms; got: ${JSON.stringify(this.events)}`));
      }, ms);
      if (!check()) this.waiters.push(check);
    });
  }

  /**
   * Releases a write or read of ours still blocked in open() (a daemon that stopped
   * answering): the other end opened and closed without blocking. Without this a blocked
   * libuv thread would keep the test process alive.
   */
  unblock() {
    for (const flags of [constants.O_RDONLY | constants.O_NONBLOCK, constants.O_WRONLY | constants.O_NONBLOCK]) {
      try {
        closeSync(openSync(this.path, flags));
      } catch {
        /* no one waiting, or the FIFO is gone */
      }
    }
  }

  stopReader() {
    try {
      process.kill(-this.reader.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
    this.reader.stdout.destroy();
  }
}

/** `pglet page NAME`: a shared page on real pipes. */
export class PipePage extends Pipe {
  static async open(server, name, extra = []) {
    const { dir, env } = await clientEnv();
    const out = await new Promise((res, rej) =>
      execFile(CLIENT_BIN, ["page", name, "--server", server.url, "--no-window", ...extra], { env, timeout: 20000 }, (err, stdout, stderr) =>
        err ? rej(new Error(`pglet page ${name}: ${err.message} ${stderr}`)) : res(stdout.trim()),
      ),
    );
    const [path, url] = out.split(/\s+/);
    const p = new PipePage(path, url);
    p.dir = dir;
    return p;
  }

  async close() {
    this.unblock();
    this.stopReader();
    stopPids(pidsWithTmpdir(this.dir));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `pglet app NAME`: prints the URL, then one pipe per new browser session. */
export class PipeApp {
  static async open(server, name) {
    const a = new PipeApp();
    const { dir, env } = await clientEnv();
    a.dir = dir;
    a.proc = spawn(CLIENT_BIN, ["app", name, "--server", server.url, "--no-window"], { env, stdio: ["ignore", "pipe", "inherit"] });
    a.lines = [];
    a.waiters = [];
    createInterface({ input: a.proc.stdout }).on("line", (l) => {
      a.lines.push(l.trim());
      a.waiters = a.waiters.filter((w) => !w());
    });
    a.url = await a.nextLine(20000);
    a.sessions = [];
    return a;
  }

  nextLine(ms = 10000) {
    return new Promise((res, rej) => {
      const check = () => {
        if (!this.lines.length) return false;
        clearTimeout(t);
        res(this.lines.shift());
        return true;
      };
      const t = setTimeout(() => rej(new Error(`pglet app printed nothing within ${ms} ms`)), ms);
      if (!check()) this.waiters.push(check);
    });
  }

  /** The pipe of the next new session (a browser tab that opened the app). */
  async nextSession(ms = 10000) {
    const p = new Pipe((await this.nextLine(ms)).split(/\s+/)[0], this.url);
    this.sessions.push(p);
    return p;
  }

  async close() {
    for (const s of this.sessions) {
      s.unblock();
      s.stopReader();
    }
    this.proc.kill("SIGTERM");
    stopPids(pidsWithTmpdir(this.dir));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
