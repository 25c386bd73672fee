// A real `pglet server` on a free loopback port with its own data dir; stop() kills it by pid.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const PGLET_BIN = process.env.PGLET_BIN ?? resolve(import.meta.dirname, "../../../target/debug/pglet");

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export async function waitHttp(url, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class Server {
  /** @param {{dataDir?: string, port?: number, env?: Record<string,string>, args?: string[]}} o */
  static async start(o = {}) {
    const s = new Server();
    s.ownDir = !o.dataDir;
    s.dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "pglet-e2e-"));
    s.port = o.port ?? (await freePort());
    s.proc = spawn(PGLET_BIN, ["server", "--port", String(s.port), "--data-dir", s.dataDir, ...(o.args ?? [])], {
      env: { ...process.env, PGLET_LOG_LEVEL: "warn", ...(o.env ?? {}) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    s.exited = new Promise((r) => s.proc.once("exit", r));
    await waitHttp(`${s.url}/healthz`);
    return s;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** SIGTERM (graceful, flushes the log) and wait; keeps the data dir unless `clean`. */
  async stop({ clean = true } = {}) {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill("SIGTERM");
      const t = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(t);
    }
    if (clean && this.ownDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
