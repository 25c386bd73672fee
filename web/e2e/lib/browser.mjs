// Headless Debian Chromium through playwright-core. Pages fail their test on any script
// error, and any request that leaves the loopback is recorded (the client must work offline).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const SHOTS = join(import.meta.dirname, "..", "screenshots");

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/**
 * A new tab (own context unless `context` is given) on `url`, waiting until the page shows.
 * `tab.errors` collects script errors, `tab.external` requests to other hosts.
 */
export async function open(browser, url, { width = 1100, height = 800, context, wait = true } = {}) {
  const ctx = context ?? (await browser.newContext({ viewport: { width, height } }));
  ctx.setDefaultTimeout(5000);
  const page = await ctx.newPage();
  page.errors = [];
  page.external = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") {
      page.external.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  await page.goto(url);
  if (wait) await page.waitForSelector("[data-pglet-page]", { timeout: 15000 });
  return page;
}

export async function shot(page, name, opts = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, ...opts });
  return path;
}
