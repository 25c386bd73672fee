// An update re-renders only the controls it touches (flat store, one subscription per
// control): the page, the containers and the siblings are left alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture } from "./lib/fixture.mjs";
import { Host } from "./lib/host.mjs";
import { open } from "./lib/browser.mjs";

const f = fixture();

test("set/append of one control renders that control only; add renders its parent", async () => {
  // The WebSocket host: this test is about the browser's store, not the transport.
  const host = await Host.connect(f.server.wsUrl, `rerender-${process.pid}`);
  const rows = Array.from({ length: 50 }, (_, i) => `  text id=t${i} value='row ${i}'`).join("\n");
  await host.cmd(`add\nstack id=list\n${rows}\nbutton id=b text=Button\ntextbox id=tb label=Box`);
  const ctx = await f.browser.newContext();
  await ctx.addInitScript(() => (window.__pgletRenders = {}));
  const tab = await open(f.browser, `${f.server.url}/${host.pageName}`, { context: ctx });
  await tab.getByText("row 49").waitFor();
  const counts = () => tab.evaluate(() => Object.fromEntries(Object.entries(window.__pgletRenders)));
  const reset = () => tab.evaluate(() => Object.keys(window.__pgletRenders).forEach((k) => delete window.__pgletRenders[k]));
  assert.ok((await counts())["list:t49"] >= 1);

  await reset();
  await host.cmd("set list:t7 value='changed'");
  await tab.getByText("changed").waitFor();
  assert.deepEqual(await counts(), { "list:t7": 1 });

  await reset();
  await host.cmd("append list:t8 value=' more'");
  await tab.getByText("row 8 more").waitFor();
  assert.deepEqual(await counts(), { "list:t8": 1 });

  // Adding a child re-renders its container (its `c` changed) and the new child, not the rows.
  await reset();
  await host.cmd("add text id=new value='new row' to=list");
  await tab.getByText("new row").waitFor();
  assert.deepEqual(await counts(), { list: 1, "list:new": 1 });

  // Typing writes back through the store: only the textbox renders.
  await reset();
  await tab.locator("#tb").pressSequentially("ab");
  await tab.waitForTimeout(100);
  const typed = await counts();
  assert.deepEqual(Object.keys(typed), ["tb"]);
  assert.deepEqual(tab.errors, []);
  host.close();
  await ctx.close();
});
