// Sessions: two tabs on one shared page stay in step; an app gives each tab its own
// session; a page survives a server restart (the open tab reconnects, a reload shows it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, getIs } from "./lib/fixture.mjs";
import { PipeApp, PipePage } from "./lib/pipe.mjs";
import { Server } from "./lib/server.mjs";
import { open } from "./lib/browser.mjs";

const f = fixture();

test("shared page: two tabs stay in step", async () => {
  const h = await f.page(["add textbox id=name label=Name", "add checkbox id=ok label=OK", "add text id=t value=start"]);
  const a = await f.tab(h);
  const b = await f.tab(h);
  await a.locator("#name").fill("Ann");
  await b.waitForFunction(() => document.querySelector("#name").value === "Ann");
  await b.getByText("OK").click();
  await a.waitForFunction(() => document.querySelector("#ok").checked);
  await getIs(h, "ok", "value", "true");
  await h.cmd("set t value=changed");
  await a.getByText("changed").waitFor();
  await b.getByText("changed").waitFor();
  f.noErrors(a);
  f.noErrors(b);
});

test("app page: each tab gets its own session pipe", async () => {
  const app = await PipeApp.open(f.server, `e2e-app-${process.pid}`);
  try {
    const a = await open(f.browser, app.url, { wait: false });
    const sa = await app.nextSession();
    await sa.cmd("add text id=who value='I am A'");
    const b = await open(f.browser, app.url, { wait: false });
    const sb = await app.nextSession();
    await sb.cmd("add text id=who value='I am B'");
    await a.getByText("I am A").waitFor();
    await b.getByText("I am B").waitFor();
    assert.equal(await a.getByText("I am B").count(), 0);
    assert.equal(await b.getByText("I am A").count(), 0);
    await sa.cmd("add button id=btn text=Press");
    await a.locator("#btn").click();
    assert.equal(await sa.waitEvent(/^btn click/), "btn click ");
    // Reloading a tab keeps its session (the id is kept per tab).
    await a.reload();
    await a.getByText("I am A").waitFor();
    assert.equal(app.lines.length, 0, "no new session for a reload");
    await a.context().close();
    await b.context().close();
  } finally {
    await app.close();
  }
});

test("restart: the open tab reconnects to the same page; a reload shows it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pglet-e2e-restart-"));
  let s = await Server.start({ dataDir: dir });
  const h = await PipePage.open(s, "durable");
  try {
    await h.cmd("add text id=t value='Survives restarts'");
    await h.cmd("add textbox id=tb2 label=Typed");
    const tab = await open(f.browser, h.url);
    await tab.locator("#tb2").fill("typed before");
    await getIs(h, "tb2", "value", "typed before");
    const port = s.port;
    await s.stop({ clean: false });
    await tab.getByTestId("lost").waitFor();
    s = await Server.start({ dataDir: dir, port });
    await tab.getByTestId("lost").waitFor({ state: "detached", timeout: 15000 });
    await tab.getByText("Survives restarts").waitFor();
    assert.equal(await tab.locator("#tb2").inputValue(), "typed before");
    await tab.reload();
    await tab.getByText("Survives restarts").waitFor();
    assert.equal(await tab.locator("#tb2").inputValue(), "typed before");
    assert.deepEqual(tab.errors, []);
    await tab.context().close();
  } finally {
    await h.close();
    await s.stop({ clean: false });
    rmSync(dir, { recursive: true, force: true });
  }
});
