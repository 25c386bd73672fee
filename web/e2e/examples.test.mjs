// The examples as users run them: the CI progress script and the Python app (pglet==0.7.3
// from the repo's .venv, which the Python suite sets up; skipped when it is missing).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fixture } from "./lib/fixture.mjs";
import { CLIENT_BIN, clientEnv, stopDaemons } from "./lib/pipe.mjs";
import { open } from "./lib/browser.mjs";

const f = fixture();
const root = resolve(import.meta.dirname, "../..");
const { dir: tmp, env: pipeEnv } = await clientEnv();
after(() => {
  stopDaemons(tmp);
  rmSync(tmp, { recursive: true, force: true });
});

test("examples/ci-progress.sh: the bar reaches 100% and the log has every step", async () => {
  const env = { ...pipeEnv, PATH: `${dirname(CLIENT_BIN)}:${process.env.PATH}`, PGLET_SERVER: f.server.url, CI_JOB_ID: "42", STEP_SECONDS: "0.05" };
  const out = await new Promise((res, rej) =>
    execFile("bash", [join(root, "examples/ci-progress.sh"), "5"], { env, timeout: 60000 }, (e, so, se) => (e ? rej(new Error(`${e.message}\n${se}`)) : res(so))),
  );
  const url = /progress: (\S+)/.exec(out)[1];
  assert.equal(url, `${f.server.url}/p/ci-42`);
  const tab = await f.tab({ url });
  await tab.getByText("All 5 steps passed.").waitFor();
  await tab.getByText("Finished").waitFor();
  assert.equal(await tab.locator(".ms-ProgressIndicator-progressBar").evaluate((e) => e.style.width), "100%");
  assert.match(await tab.locator("pre").textContent(), /step 1 done\nstep 2 done\nstep 3 done\nstep 4 done\nstep 5 done/);
  assert.equal(await tab.title(), "CI job 42");
  f.noErrors(tab);
});

const python = join(root, ".venv/bin/python");
test("examples/python_app.py: a to-do app per tab, with the real Python client", { skip: existsSync(python) ? false : "no .venv (run tests/python/run.sh first)" }, async () => {
  const proc = spawn(python, ["-u", join(root, "examples/python_app.py")], { env: { ...process.env, PGLET_SERVER: f.server.url }, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error("python app printed no URL")), 20000);
      createInterface({ input: proc.stdout }).on("line", (l) => {
        const m = /App URL: (\S+)/.exec(l);
        if (m) {
          clearTimeout(t);
          res(m[1]);
        }
      });
    });
    const tab = await open(f.browser, url, { wait: false });
    await tab.getByText("0 item(s) left").waitFor({ timeout: 10000 });
    const box = tab.getByPlaceholder("What needs to be done?");
    await box.fill("Write tests");
    await box.press("Enter");
    await tab.getByText("Write tests").waitFor();
    await tab.getByText("1 item(s) left").waitFor();
    await box.fill("Ship it");
    await tab.getByRole("button", { name: "Add" }).click();
    await tab.getByText("2 item(s) left").waitFor();
    await tab.getByText("Write tests").click();
    await tab.getByText("1 item(s) left").waitFor();
    await tab.getByRole("tab", { name: "done" }).click();
    await tab.getByText("Ship it").waitFor({ state: "hidden" });
    // A second tab is a separate session: an empty list.
    const other = await open(f.browser, url, { wait: false });
    await other.getByText("0 item(s) left").waitFor({ timeout: 10000 });
    assert.equal(await other.getByText("Write tests").count(), 0);
    assert.deepEqual(tab.errors, []);
    await tab.context().close();
    await other.context().close();
  } finally {
    // SIGTERM ends pglet.app() gracefully; its reconnecting socket thread may linger, so
    // SIGKILL follows if it has not exited.
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(t);
  }
});
