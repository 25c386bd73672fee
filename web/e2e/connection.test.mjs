// Connection screens: page not found (then the page appears when its program connects),
// application inactive, page expired, lost connection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture } from "./lib/fixture.mjs";
import { Host } from "./lib/host.mjs";
import { open } from "./lib/browser.mjs";

// Short lifetimes so expiry happens within the test.
const f = fixture({ serverArgs: ["--page-lifetime", "3s", "--sweep-interval", "200ms"] });

test("not found, then the page shows when its program connects", async () => {
  const name = `late-${process.pid}`;
  const tab = await open(f.browser, `${f.server.url}/p/${name}`, { wait: false });
  await tab.getByTestId("not-found").waitFor();
  assert.match(await tab.getByTestId("not-found").textContent(), /Page not found/);
  const h = await f.page(["add text value='Here now'"], name);
  await tab.getByText("Here now").waitFor({ timeout: 15000 });
  assert.equal(h.url, `${f.server.url}/p/${name}`);
  await tab.context().close();
});

test("application inactive when the app's host leaves", async () => {
  // The WebSocket host is the quicker tool here: closing it ends the app at once.
  const host = await Host.connect(f.server.wsUrl, `inactive-${process.pid}`, { isApp: true });
  const tab = await open(f.browser, `${f.server.url}/${host.pageName}`, { wait: false });
  await new Promise((r) => {
    const t = setInterval(() => host.sessions?.length && (clearInterval(t), r()), 20);
  });
  await host.cmd("add text value='App content'", host.sessions[0]);
  await tab.getByText("App content").waitFor();
  host.close();
  await tab.getByTestId("inactive").waitFor();
  assert.match(await tab.getByTestId("inactive").textContent(), /Application is inactive/);
  await tab.context().close();
});

test("page expired", async () => {
  const h = await f.page(["add text value='Short-lived'"], `expiring-${process.pid}`);
  const tab = await open(f.browser, h.url);
  await tab.getByText("Short-lived").waitFor();
  await tab.getByTestId("expired").waitFor({ timeout: 10000 });
  assert.match(await tab.getByTestId("expired").textContent(), /expired/);
  await tab.context().close();
});
