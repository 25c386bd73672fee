// The Bash gallery (examples/gallery.sh) run as a user would, then screenshots of it in
// light and dark themes, desktop and phone width (saved to e2e/screenshots/).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fixture } from "./lib/fixture.mjs";
import { CLIENT_BIN, clientEnv, stopDaemons } from "./lib/pipe.mjs";
import { open, shot } from "./lib/browser.mjs";

const f = fixture();
const { dir: tmp, env: pipeEnv } = await clientEnv();
after(() => {
  stopDaemons(tmp);
  rmSync(tmp, { recursive: true, force: true });
});

function gallery(page, theme) {
  const script = resolve(import.meta.dirname, "../../examples/gallery.sh");
  const env = { ...pipeEnv, PATH: `${dirname(CLIENT_BIN)}:${process.env.PATH}`, PGLET_SERVER: f.server.url, GALLERY_PAGE: page, THEME: theme, GALLERY_NO_WAIT: "1" };
  return new Promise((res, rej) =>
    execFile("bash", [script], { env, timeout: 60000 }, (err, stdout, stderr) => (err ? rej(new Error(`${err.message}\n${stderr}`)) : res(stdout.trim()))),
  );
}

for (const theme of ["light", "dark"]) {
  test(`gallery (${theme}): every control renders, desktop and 390 px`, async () => {
    const url = await gallery(`gallery-${theme}`, theme);
    assert.equal(url, `${f.server.url}/p/gallery-${theme}`);
    const tab = await f.tab({ url }, { width: 1280, height: 900 });
    await tab.getByText("Pglet gallery").first().waitFor();
    // Charts load on demand; wait for their SVG, then for the icon font.
    await tab.waitForFunction(() => document.querySelectorAll("svg path").length > 10);
    await tab.waitForFunction(() => [...document.fonts].some((x) => /FabricMDL2Icons/.test(x.family) && x.status === "loaded"));
    assert.equal(await tab.locator("text=Unknown control").count(), 0);
    const bg = await tab.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, theme === "dark" ? "rgb(36, 41, 46)" : "rgb(255, 255, 255)");
    await tab.waitForTimeout(400);
    await shot(tab, `gallery-${theme}-desktop`);
    await tab.setViewportSize({ width: 390, height: 844 });
    await tab.waitForTimeout(600);
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling at 390 px (overflow ${overflow}px)`);
    await shot(tab, `gallery-${theme}-390`);
    assert.deepEqual(tab.external, [], "nothing fetched from outside the server");
    f.noErrors(tab);
  });
}
