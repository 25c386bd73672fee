// One server and one browser per test file; one pipe-driven page per test.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { Server } from "./server.mjs";
import { PipePage } from "./pipe.mjs";
import { launch, open } from "./browser.mjs";

let seq = 0;

/** Starts the server and browser for this file; returns helpers. */
export function fixture({ serverArgs = [], env = {} } = {}) {
  const f = { server: null, browser: null, hosts: [], tabs: [] };
  before(async () => {
    f.server = await Server.start({ args: serverArgs, env });
    f.browser = await launch();
  });
  after(async () => {
    for (const t of f.tabs) await t.context().close().catch(() => {});
    await f.browser?.close();
    for (const h of f.hosts) await h.close();
    await f.server?.stop();
  });

  /** A new shared page on real pipes, built with `commands` (a list of text commands). */
  f.page = async (commands = [], name = `e2e-${process.pid}-${++seq}`) => {
    const host = await PipePage.open(f.server, name);
    f.hosts.push(host);
    for (const c of commands) await host.cmd(c);
    return host;
  };

  /** Opens `host`'s page in a new tab; fails the test later if the page logs script errors. */
  f.tab = async (host, opts = {}) => {
    const t = await open(f.browser, host.url, opts);
    f.tabs.push(t);
    return t;
  };

  f.noErrors = (tab) => assert.deepEqual(tab.errors, [], "script errors in the page");
  return f;
}

/** Polls `fn` until it returns what `want` accepts (for values written back asynchronously). */
export async function eventually(fn, want, ms = 5000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (want(last)) return last;
    if (Date.now() > end) throw new Error(`still ${JSON.stringify(last)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `get id prop` through the pipe until it equals `value`. */
export const getIs = (host, id, prop, value) => eventually(() => host.cmd(`get ${id} ${prop}`), (v) => v === value).then((v) => assert.equal(v, value));
