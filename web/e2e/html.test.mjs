// The html control is sanitized: page content can format text but never run script.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture } from "./lib/fixture.mjs";

const f = fixture();

test("html: <script>, onerror= and javascript: URLs run nothing; formatting stays", async () => {
  const h = await f.page([
    `add html id=h value='<b>bold</b> <img id="bad" src="/nope.png" onerror="window.__pwned=1"><script>window.__pwned=2</script><a id="js" href="javascript:window.__pwned=3">x</a><svg><script>window.__pwned=4</script></svg><iframe src="javascript:parent.__pwned=5"></iframe>'`,
  ]);
  const tab = await f.tab(h);
  await tab.locator('[data-pglet-id="h"] b').waitFor();
  assert.equal(await tab.locator('[data-pglet-id="h"] b').textContent(), "bold");
  // Give a broken image time to fire its (removed) onerror.
  await tab.waitForFunction(() => document.readyState === "complete");
  await tab.waitForTimeout(300);
  await tab.locator("#js").click();
  assert.equal(await tab.evaluate(() => window.__pwned), undefined, "no injected script ran");
  assert.equal(await tab.locator('[data-pglet-id="h"] script').count(), 0);
  assert.equal(await tab.locator('[data-pglet-id="h"] iframe').count(), 0);
  assert.equal(await tab.locator("#bad").getAttribute("onerror"), null);
  assert.equal(await tab.locator("#js").getAttribute("href"), null);
  // A host update is sanitized too.
  await h.cmd(`set h value='<i>new</i><img src=x onerror="window.__pwned=6">'`);
  await tab.locator('[data-pglet-id="h"] i').waitFor();
  await tab.waitForTimeout(300);
  assert.equal(await tab.evaluate(() => window.__pwned), undefined);
  f.noErrors(tab);
});

test("markdown text renders no raw HTML", async () => {
  const h = await f.page([`add text id=md markdown value='hello <img src=x onerror="window.__pwned=7"> <script>window.__pwned=8</script>'`]);
  const tab = await f.tab(h);
  await tab.getByText("hello").waitFor();
  await tab.waitForTimeout(300);
  assert.equal(await tab.evaluate(() => window.__pwned), undefined);
  assert.equal(await tab.locator('[data-pglet-id="md"] img').count(), 0);
  f.noErrors(tab);
});
