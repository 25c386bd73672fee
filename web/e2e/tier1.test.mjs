// Tier-1 controls on pages built through real `pglet page` pipes: each renders with the
// right text and state, user input arrives as the right event line, and write-backs show
// through `get`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture, getIs } from "./lib/fixture.mjs";

const f = fixture();

test("page: title, hash both ways, resize", async () => {
  const h = await f.page(["set page title='My page' hash=start"]);
  const tab = await f.tab(h);
  assert.equal(await tab.title(), "My page");
  await h.cmd("set page hash=two");
  await tab.waitForFunction(() => location.hash === "#two");
  await tab.evaluate(() => (location.hash = "#three"));
  assert.equal(await h.waitEvent(/^page hashChange/), "page hashChange three");
  await getIs(h, "page", "hash", "three");
  await tab.setViewportSize({ width: 700, height: 500 });
  assert.equal(await h.waitEvent(/^page resize/), "page resize 700 500");
  await getIs(h, "page", "winwidth", "700");
  f.noErrors(tab);
});

test("page: theme colors and dark mode come from the page's props", async () => {
  const h = await f.page(["add button id=pb text=Primary primary", "add text id=tx value=Text"]);
  const tab = await f.tab(h);
  const bg = (sel) => tab.locator(sel).evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await bg("#pb"), "rgb(101, 41, 214)", "default primary #6529d6");
  await h.cmd("set page themeprimarycolor='#ff8800'");
  await tab.waitForFunction(() => getComputedStyle(document.querySelector("#pb")).backgroundColor === "rgb(255, 136, 0)");
  await h.cmd("set page theme=dark themeprimarycolor=''");
  await tab.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(36, 41, 46)");
  assert.equal(await tab.locator('[data-pglet-id="tx"]').evaluate((e) => getComputedStyle(e).color), "rgb(208, 212, 217)", "dark text #d0d4d9");
  await h.cmd("set page themebackgroundcolor='#102030' themetextcolor='#eeeeee'");
  await tab.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(16, 32, 48)");
  f.noErrors(tab);
});

test("stack: horizontal layout, Enter in a textbox submits with data", async () => {
  const h = await f.page([
    "add stack id=row horizontal\n  text value=Left\n  text value=Right",
    "add stack id=form onsubmit data=sent\n  textbox id=q label=Query",
  ]);
  const tab = await f.tab(h);
  const dir = await tab.locator('[data-pglet-id="row"]').evaluate((e) => getComputedStyle(e).flexDirection);
  assert.equal(dir, "row");
  const l = await tab.getByText("Left").boundingBox();
  const r = await tab.getByText("Right").boundingBox();
  assert.ok(r.x > l.x && Math.abs(r.y - l.y) < 2, "children side by side");
  await tab.locator("#form_q").fill("pglet");
  await tab.locator("#form_q").press("Enter");
  assert.equal(await h.waitEvent(/submit/), "form submit sent");
  await getIs(h, "form:q", "value", "pglet");
  f.noErrors(tab);
});

test("text: plain, sizes, markdown, append streams text", async () => {
  const h = await f.page([
    "add text id=t value='Hello' size=xLarge bold",
    "add text id=md markdown value='**strong** and [a link](http://example.com)\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |'",
  ]);
  const tab = await f.tab(h);
  const t = tab.locator('[data-pglet-id="t"]');
  assert.equal(await t.textContent(), "Hello");
  assert.equal(await t.evaluate((e) => getComputedStyle(e).fontWeight), "600");
  assert.ok(parseFloat(await t.evaluate((e) => getComputedStyle(e).fontSize)) >= 20, "xLarge variant");
  await tab.waitForSelector('[data-pglet-id="md"] strong');
  assert.equal(await tab.locator('[data-pglet-id="md"] strong').textContent(), "strong");
  assert.equal(await tab.locator('[data-pglet-id="md"] td').count(), 2, "GFM table");
  await h.cmd("append t value=', world'");
  await tab.waitForFunction(() => document.querySelector('[data-pglet-id="t"]')?.textContent === "Hello, world");
  f.noErrors(tab);
});

test("button: click, primary style, menu item click", async () => {
  const h = await f.page([
    "add button id=b text='Do it' primary data=go",
    "add button id=m text=More\n  item id=one text=One data=first\n  item id=two text=Two\n    item id=deep text=Deep",
  ]);
  const tab = await f.tab(h);
  await tab.locator("#b").click();
  assert.equal(await h.waitEvent(/^b click/), "b click go");
  assert.match(await tab.locator("#b").getAttribute("class"), /ms-Button--primary/);
  await tab.locator("#m").click();
  await tab.locator(".m_one").click();
  assert.equal(await h.waitEvent(/^m:one click/), "m:one click first");
  await tab.locator("#m").click();
  await tab.locator(".m_two").hover();
  await tab.locator(".m_two_deep").click();
  assert.equal(await h.waitEvent(/^m:two:deep click/), "m:two:deep click ");
  await h.cmd("set b disabled=true");
  await tab.waitForSelector("#b[disabled], #b[aria-disabled=true]");
  f.noErrors(tab);
});

test("textbox: value written back per keystroke, change event only with onchange", async () => {
  const h = await f.page(["add textbox id=plain label=Plain", "add textbox id=live label=Live onchange data=d", "add textbox id=multi multiline shiftenter value='one'"]);
  const tab = await f.tab(h);
  await tab.locator("#plain").pressSequentially("abc");
  await getIs(h, "plain", "value", "abc");
  await tab.locator("#live").pressSequentially("x");
  assert.equal(await h.waitEvent(/^live change/), "live change d|x");
  await tab.locator("#live").pressSequentially("y");
  assert.equal(await h.waitEvent(/^live change/), "live change d|xy");
  assert.ok(!h.events.some((e) => e.startsWith("plain change")), "no change event without onchange");
  await h.cmd("set plain value='from host'");
  await tab.waitForFunction(() => document.querySelector("#plain").value === "from host");
  assert.equal(await tab.locator("#multi").evaluate((e) => e.tagName), "TEXTAREA");
  await tab.locator("#multi").press("End");
  await tab.locator("#multi").press("Shift+Enter");
  await tab.locator("#multi").pressSequentially("two");
  await getIs(h, "multi", "value", "one\ntwo");
  f.noErrors(tab);
});

test("checkbox and toggle: click changes value, event and write-back", async () => {
  const h = await f.page(["add checkbox id=cb label=Agree", "add toggle id=tg label=Power value=true ontext=On offtext=Off"]);
  const tab = await f.tab(h);
  await tab.getByText("Agree").click();
  assert.equal(await h.waitEvent(/^cb change/), "cb change true");
  await getIs(h, "cb", "value", "true");
  assert.equal(await tab.locator("#cb").isChecked(), true);
  assert.equal(await tab.locator("#tg").getAttribute("aria-checked"), "true");
  await tab.locator("#tg").click();
  assert.equal(await h.waitEvent(/^tg change/), "tg change false");
  await getIs(h, "tg", "value", "false");
  await tab.getByText("Off").waitFor();
  await h.cmd("set cb value=false");
  await tab.waitForFunction(() => !document.querySelector("#cb").checked);
  f.noErrors(tab);
});

test("dropdown: shows value, selecting an option sends its key", async () => {
  const h = await f.page(["add dropdown id=dd label=Color value=r\n  option key=r text=Red\n  option key=g text=Green\n  option key=b text=Blue"]);
  const tab = await f.tab(h);
  assert.equal(await tab.locator("#dd-option").textContent(), "Red");
  await tab.locator("#dd").click();
  await tab.getByRole("option", { name: "Green" }).click();
  assert.equal(await h.waitEvent(/^dd change/), "dd change g");
  await getIs(h, "dd", "value", "g");
  await h.cmd("set dd value=b");
  await tab.waitForFunction(() => document.querySelector("#dd-option").textContent === "Blue");
  f.noErrors(tab);
});

test("tabs: selected tab content, clicking a tab sends its key", async () => {
  const h = await f.page(["add tabs id=tabs value=b\n  tab text=A key=a\n    text value='Content A'\n  tab text=B key=b count=3\n    text value='Content B'"]);
  const tab = await f.tab(h);
  await tab.getByText("Content B").waitFor();
  assert.equal(await tab.getByText("Content A").count(), 0);
  await tab.getByRole("tab", { name: /^A/ }).click();
  assert.equal(await h.waitEvent(/^tabs change/), "tabs change a");
  await tab.getByText("Content A").waitFor();
  await getIs(h, "tabs", "value", "a");
  f.noErrors(tab);
});

test("grid: rows, sorting, selection, templates write back to items", async () => {
  const h = await f.page([
    `add grid id=g selection=multiple
  columns
    column id=cn name=Name fieldname=name sortable=string
    column id=ca name=Age fieldname=age sortable=number
    column id=ce name=Email fieldname=email
      textbox value='{email}'
    column id=cx name=Actions onclick data=actions
      button text='Open {name}' data='{name}'
  items
    item id=r1 name=Carol age=9 email='c@x'
    item id=r2 name=alice age=30 email='a@x'
    item id=r3 name=Bob age=100 email='b@x'`,
  ]);
  const tab = await f.tab(h);
  const names = () => tab.locator('[data-pglet-id="g"] [role=row] [data-automation-key="g:cn"]').allTextContents();
  await tab.getByText("Carol", { exact: true }).waitFor();
  assert.deepEqual(await names(), ["Carol", "alice", "Bob"]);
  await tab.locator(".pglet-col-g_cn").click();
  await tab.waitForFunction(() => true);
  assert.deepEqual(await names(), ["alice", "Bob", "Carol"]);
  await getIs(h, "g:cn", "sorted", "asc");
  await getIs(h, "g:ca", "sorted", "false");
  await tab.locator(".pglet-col-g_ca").click();
  await getIs(h, "g:ca", "sorted", "asc");
  assert.deepEqual(await names(), ["Carol", "alice", "Bob"], "numeric sort: 9 < 30 < 100");
  await tab.locator(".pglet-col-g_ca").click();
  await getIs(h, "g:ca", "sorted", "desc");
  assert.deepEqual(await names(), ["Bob", "alice", "Carol"]);
  // Selection: a row click selects it; ids in event data, indices in host order.
  await tab.getByText("alice", { exact: true }).click();
  assert.equal(await h.waitEvent(/^g select/), "g select g:r2");
  await getIs(h, "g", "selectedindices", "1");
  await tab.getByText("Carol", { exact: true }).click({ modifiers: ["Control"] });
  assert.equal(await h.waitEvent(/^g select/), "g select g:r1 g:r2");
  await getIs(h, "g", "selectedindices", "0 1");
  // Template textbox bound to the item's field.
  const email = tab.locator('[id="g_r3|email"]');
  assert.equal(await email.inputValue(), "b@x");
  await email.fill("bob@x");
  await getIs(h, "g:r3", "email", "bob@x");
  // Template buttons carry the row's fields; double-click invokes a row; a header with
  // onclick fires `click` on the column.
  await tab.getByRole("button", { name: "Open Bob" }).click();
  assert.match(await h.waitEvent(/ click Bob$/), /^\S+ click Bob$/);
  await tab.getByText("Carol", { exact: true }).dblclick();
  assert.equal(await h.waitEvent(/^g itemInvoke/), "g itemInvoke g:r1");
  await tab.locator(".pglet-col-g_cx").click();
  assert.equal(await h.waitEvent(/^g:cx click/), "g:cx click actions");
  // Host updates reach the rows.
  await h.cmd("set g:r1 name=Caroline");
  await tab.getByText("Caroline", { exact: true }).waitFor();
  await h.cmd("add item id=r4 name=Dave age=1 to=g:_1");
  f.noErrors(tab);
});

test("message: dismiss X and action buttons", async () => {
  const h = await f.page([
    "add message id=m1 value='Saved' type=success dismiss",
    "add message id=m2 value='Delete file?' type=warning data=q\n  button text=Yes action=yes\n  button text=No",
  ]);
  const tab = await f.tab(h);
  await tab.getByText("Saved").waitFor();
  await tab.locator('[data-pglet-id="m1"] button[aria-label=Close]').click();
  assert.equal(await h.waitEvent(/^m1 dismiss/), "m1 dismiss ");
  await getIs(h, "m1", "visible", "false");
  assert.equal(await tab.getByText("Saved").count(), 0);
  await tab.getByRole("button", { name: "Yes" }).click();
  assert.equal(await h.waitEvent(/^m2 dismiss/), "m2 dismiss q|yes");
  f.noErrors(tab);
});

test("progress and spinner: label, value, host updates", async () => {
  const h = await f.page(["add progress id=p label=Copying description='file 1' value=30", "add progress id=busy label=Busy", "add spinner id=s label='Please wait' size=large"]);
  const tab = await f.tab(h);
  await tab.getByText("Copying").waitFor();
  await tab.getByText("Please wait").waitFor();
  const width = () => tab.locator('[data-pglet-id="p"] .ms-ProgressIndicator-progressBar').evaluate((e) => e.style.width);
  assert.equal(await width(), "30%");
  await h.cmd("set p value=75 description='file 2'");
  await tab.getByText("file 2").waitFor();
  assert.equal(await width(), "75%");
  assert.equal(await tab.locator('[data-pglet-id="busy"] .ms-ProgressIndicator-progressBar').count(), 1, "indeterminate bar");
  f.noErrors(tab);
});

test("searchbox: typing, Enter searches, Escape clears", async () => {
  const h = await f.page(["add searchbox id=sb placeholder=Find onchange"]);
  const tab = await f.tab(h);
  await tab.locator("#sb").pressSequentially("cat");
  assert.equal(await h.waitEvent(/^sb change cat$/), "sb change cat");
  await tab.locator("#sb").press("Enter");
  assert.equal(await h.waitEvent(/^sb search/), "sb search cat");
  await getIs(h, "sb", "value", "cat");
  await tab.locator("#sb").press("Escape");
  assert.equal(await h.waitEvent(/^sb clear/), "sb clear ");
  await getIs(h, "sb", "value", "");
  f.noErrors(tab);
});

test("dialog: opens from the host, closing writes open=false and fires dismiss", async () => {
  const h = await f.page(["add dialog id=d title='Delete?' subtext='Really delete it?' data=dd\n  text value='Body text'\n  footer\n    button id=ok text=OK primary"]);
  const tab = await f.tab(h);
  assert.equal(await tab.getByText("Delete?").count(), 0);
  await h.cmd("set d open=true");
  await tab.getByText("Really delete it?").waitFor();
  await tab.getByText("Body text").waitFor();
  await tab.locator("#d_ok").click();
  assert.equal(await h.waitEvent(/^d:ok click/), "d:ok click ");
  await tab.keyboard.press("Escape");
  assert.equal(await h.waitEvent(/^d dismiss/), "d dismiss dd");
  await getIs(h, "d", "open", "false");
  await tab.getByText("Really delete it?").waitFor({ state: "detached" });
  f.noErrors(tab);
});
