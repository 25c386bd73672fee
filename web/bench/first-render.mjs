// Time to first render of a 1,000-control page, ours against the reference server's own
// React client, in the same run and the same browser; and the size of our bundle (gzip).
//
//   node bench/first-render.mjs [--ref /tmp/ref/wheel/pglet/bin/pglet] [--runs 7]
//
// A page of 1,000 controls (200 rows of text + textbox + checkbox + button, in stacks) is
// built through the WebSocket host protocol; each run opens it in a fresh browser context
// and measures from navigation start until the last control is in the DOM.
import { spawn } from "node:child_process";
import { gzipSync } from "node:zlib";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Server, freePort, waitHttp } from "../e2e/lib/server.mjs";
import { Host } from "../e2e/lib/host.mjs";
import { launch } from "../e2e/lib/browser.mjs";

const arg = (k, d) => {
  const i = process.argv.indexOf(k);
  return i > 0 ? process.argv[i + 1] : d;
};
const REF = arg("--ref", "");
const RUNS = Number(arg("--runs", "7"));

function pageCommand(rows) {
  const lines = [];
  for (let r = 0; r < rows; r++) {
    lines.push(`stack horizontal id=row${r}`);
    lines.push(`  text value='Row ${r}'`);
    lines.push(`  textbox id=tb${r} value='value ${r}'`);
    lines.push(`  checkbox label='Done ${r}'`);
    lines.push(`  button id=last${r} text='Go ${r}'`);
  }
  return "add\n" + lines.join("\n");
}

async function measure(browser, url, lastSelector) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(url, { waitUntil: "commit" });
  const ms = await page.waitForFunction((sel) => document.querySelector(sel) && performance.now(), lastSelector, { polling: "raf", timeout: 60000 });
  const t = await ms.jsonValue();
  const state = await page.evaluate(() => performance.getEntriesByName("pglet-state")[0]?.startTime ?? 0);
  const script = await page.evaluate(() => performance.getEntriesByType("resource").filter((r) => /\.js$/.test(r.name)).map((r) => r.responseEnd).reduce((a, b) => Math.max(a, b), 0));
  if (process.env.VERBOSE) console.log(`  scripts loaded ${script.toFixed(0)} ms, state ${state.toFixed(0)} ms, rendered ${t.toFixed(0)} ms`);
  await ctx.close();
  return t;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run(name, base, wsUrl) {
  const host = await Host.connect(wsUrl, "bench-1000");
  const ids = (await host.cmd(pageCommand(200))).split(" ");
  const browser = await launch();
  // The last control's DOM id: ours `row199_last199`, the reference's the same (getId).
  const sel = "#row199_last199";
  const times = [];
  await measure(browser, `${base}/p/bench-1000`, sel); // warm-up (caches, JIT)
  for (let i = 0; i < RUNS; i++) times.push(await measure(browser, `${base}/p/bench-1000`, sel));
  await browser.close();
  host.close();
  console.log(`${name}: ${ids.length} controls, first render median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(", ")})`);
  return median(times);
}

function bundle() {
  const dist = join(import.meta.dirname, "../dist");
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  const all = [];
  const walk = (d) => readdirSync(join(dist, d)).forEach((f) => (statSync(join(dist, d, f)).isDirectory() ? walk(join(d, f)) : all.push(join(d, f))));
  walk(".");
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  const initialGz = gz("index.html") + initial.reduce((a, f) => a + gz(f), 0);
  const allRaw = all.reduce((a, f) => a + statSync(join(dist, f)).size, 0);
  const jsGz = all.filter((f) => /\.(js|css|html)$/.test(f)).reduce((a, f) => a + gz(f), 0);
  console.log(`bundle: loaded at start ${kb(initialGz)} gzip (${initial.join(", ")}); all scripts+styles ${kb(jsGz)} gzip; everything embedded (incl. icon fonts) ${kb(allRaw)} raw`);
}

bundle();
const ours = await Server.start();
const a = await run("pglet-rs", ours.url, ours.wsUrl);
await ours.stop();
if (REF) {
  const port = await freePort();
  const ref = spawn(REF, ["server", "--port", String(port)], { stdio: "ignore" });
  try {
    await waitHttp(`http://127.0.0.1:${port}/`);
    // The reference's own client, as its server sends it: index.html and what it loads.
    const base = `http://127.0.0.1:${port}`;
    const html = await (await fetch(`${base}/`)).text();
    const files = [...html.matchAll(/(?:src|href)="(\/static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    let gz = gzipSync(Buffer.from(html), { level: 9 }).length;
    for (const f of files) gz += gzipSync(Buffer.from(await (await fetch(base + f)).arrayBuffer()), { level: 9 }).length;
    console.log(`reference bundle: loaded at start ${(gz / 1024).toFixed(0)} KiB gzip (${files.length} files; its icon font came from a CDN)`);
    const b = await run("reference 0.7.3", `http://127.0.0.1:${port}`, `ws://127.0.0.1:${port}/ws`);
    console.log(`ratio reference/ours: ${(b / a).toFixed(2)}x`);
  } finally {
    ref.kill("SIGTERM");
  }
}
