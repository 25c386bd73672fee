// Tier-2 inputs (choicegroup, combobox, slider, spinbutton, datepicker) and navigation
// and overlay controls, plus link, icon, image and panel, on pipe-built pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture, getIs } from "./lib/fixture.mjs";

const f = fixture();

test("choicegroup: picking an option sends its key; disabled options stay disabled", async () => {
  const h = await f.page(["add choicegroup id=cg label=Size value=m\n  option key=s text=Small\n  option key=m text=Medium\n  option key=l text=Large disabled"]);
  const tab = await f.tab(h);
  assert.equal(await tab.getByLabel("Medium").isChecked(), true);
  await tab.getByText("Small").click();
  assert.equal(await h.waitEvent(/^cg change/), "cg change s");
  await getIs(h, "cg", "value", "s");
  assert.equal(await tab.getByLabel("Large").isDisabled(), true);
  f.noErrors(tab);
});

test("combobox: single, multi-select and free-form values", async () => {
  const h = await f.page([
    "add combobox id=one label=One\n  option key=a text=Apple\n  option key=b text=Banana",
    "add combobox id=many label=Many multiselect\n  option key=x text=Xray\n  option key=y text=Yankee",
    "add combobox id=free label=Free allowfreeform\n  option key=k text=Kilo",
  ]);
  const tab = await f.tab(h);
  await tab.locator("#one-input").click();
  await tab.getByRole("option", { name: "Banana" }).click();
  assert.equal(await h.waitEvent(/^one change/), "one change b");
  await getIs(h, "one", "value", "b");
  await tab.locator("#many-input").click();
  await tab.locator("#many-list0-label").click();
  assert.equal(await h.waitEvent(/^many change/), "many change x");
  await tab.locator("#many-list1-label").click();
  assert.equal(await h.waitEvent(/^many change/), "many change x,y");
  await getIs(h, "many", "value", "x,y");
  await tab.keyboard.press("Escape");
  await tab.locator("#free-input").fill("Zulu");
  await tab.locator("#free-input").press("Enter");
  assert.equal(await h.waitEvent(/^free change/), "free change Zulu");
  await getIs(h, "free", "value", "Zulu");
  f.noErrors(tab);
});

test("slider: keyboard steps with a fractional step, value written back", async () => {
  const h = await f.page(["add slider id=sl label=Level min=0 max=1 step=0.1 value=0.5 showvalue"]);
  const tab = await f.tab(h);
  const thumb = tab.locator('[data-pglet-id="sl"] [role=slider]');
  assert.equal(await thumb.getAttribute("aria-valuenow"), "0.5");
  await thumb.focus();
  await thumb.press("ArrowRight");
  assert.equal(await h.waitEvent(/^sl change/), "sl change 0.6");
  await getIs(h, "sl", "value", "0.6");
  await h.cmd("set sl value=0.2");
  await tab.waitForFunction(() => document.querySelector('[data-pglet-id="sl"] [role=slider]').getAttribute("aria-valuenow") === "0.2");
  f.noErrors(tab);
});

test("spinbutton: arrows change the value; host updates show (fixed quirk)", async () => {
  const h = await f.page(["add spinbutton id=sp label=Count min=0 max=10 step=1 value=3"]);
  const tab = await f.tab(h);
  const input = tab.locator('[data-pglet-id="sp"] input');
  assert.equal(await input.inputValue(), "3");
  await input.focus();
  await input.press("ArrowUp");
  assert.equal(await h.waitEvent(/^sp change/), "sp change 4");
  await getIs(h, "sp", "value", "4");
  await h.cmd("set sp value=8");
  await tab.waitForFunction(() => document.querySelector('[data-pglet-id="sp"] input').value === "8");
  f.noErrors(tab);
});

test("datepicker: picking a day writes an ISO UTC value", async () => {
  const h = await f.page(["add datepicker id=dp label=Start value='2024-03-10T12:00:00Z'"]);
  const tab = await f.tab(h);
  const input = tab.locator('[data-pglet-id="dp"]').locator("input").first();
  assert.match(await tab.locator(".ms-DatePicker").textContent(), /2024|Mar/);
  await tab.locator(".ms-DatePicker").getByRole("combobox").first().click().catch(() => input.click());
  await tab.getByRole("gridcell", { name: /^15,/ }).first().click().catch(async () => tab.locator('button:has-text("15")').first().click());
  const line = await h.waitEvent(/^dp change/);
  assert.match(line, /^dp change 2024-03-1[45]T\d\d:00:00\.000Z$/);
  const v = await h.cmd("get dp value");
  assert.equal(`dp change ${v}`, line);
  f.noErrors(tab);
});

test("nav: clicking a link sends its key; expanding a group names the group", async () => {
  const h = await f.page(["add nav id=nav value=home\n  item text=Main key=main expanded=true\n    item key=home text=Home\n    item key=docs text=Docs"]);
  const tab = await f.tab(h);
  await tab.getByText("Docs").click();
  assert.equal(await h.waitEvent(/^nav change/), "nav change docs");
  await getIs(h, "nav", "value", "docs");
  await tab.locator('[data-pglet-id="nav"] .ms-Nav-chevronButton').click();
  assert.equal(await h.waitEvent(/collapse/), "nav collapse main");
  f.noErrors(tab);
});

test("toolbar: item, overflow and far items fire click", async () => {
  const h = await f.page(["add toolbar id=tb\n  item id=new text=New icon=Add\n  far\n    item id=help text=Help\n  overflow\n    item id=more text=Settings"]);
  const tab = await f.tab(h);
  await tab.getByText("New").click();
  assert.equal(await h.waitEvent(/^tb:new click/), "tb:new click ");
  await tab.getByText("Help").click();
  assert.equal(await h.waitEvent(/^tb:.*help click/), "tb:help click ");
  await tab.getByRole("menuitem", { name: "More" }).click();
  await tab.getByText("Settings").click();
  assert.equal(await h.waitEvent(/more click/), "tb:more click ");
  f.noErrors(tab);
});

test("callout: anchored to a button, dismissing writes visible=false", async () => {
  const h = await f.page(["add button id=anchor text=Anchor", "add callout id=co target=anchor data=x\n  text value='Callout text'"]);
  const tab = await f.tab(h);
  await tab.getByText("Callout text").waitFor();
  const a = await tab.locator("#anchor").boundingBox();
  const c = await tab.locator(".pglet-callout-co .ms-Callout-main").boundingBox();
  assert.ok(c.y >= a.y + a.height - 1, `below its target: ${JSON.stringify({ a, c })}`);
  await tab.mouse.click(900, 700);
  assert.equal(await h.waitEvent(/^co dismiss/), "co dismiss x");
  await getIs(h, "co", "visible", "false");
  f.noErrors(tab);
});

test("panel: opens, light dismiss writes open=false", async () => {
  const h = await f.page(["add panel id=pn title='Settings panel' lightdismiss open=true\n  text value='Inside'\n  footer\n    button id=save text=Save"]);
  const tab = await f.tab(h);
  await tab.getByText("Settings panel").waitFor();
  await tab.locator("#pn_save").click();
  assert.equal(await h.waitEvent(/^pn:save click/), "pn:save click ");
  await tab.mouse.click(50, 400);
  assert.equal(await h.waitEvent(/^pn dismiss/), "pn dismiss ");
  await getIs(h, "pn", "open", "false");
  f.noErrors(tab);
});

test("link, icon and image: text, url, click, icon font from this server", async () => {
  const h = await f.page(["add link id=ln value='Read more' url='http://127.0.0.1:1/x' data=lk", "add icon id=ic name=Heart color=red size=32", "add image id=im src='/favicon.ico' alt='Logo' width=40"]);
  const tab = await f.tab(h);
  assert.equal(await tab.locator("#ln").getAttribute("href"), "http://127.0.0.1:1/x");
  await tab.locator("#ln").evaluate((e) => e.addEventListener("click", (ev) => ev.preventDefault()));
  await tab.locator("#ln").click();
  assert.equal(await h.waitEvent(/^ln click/), "ln click lk");
  // The MDL2 icon font comes from /fonts on this server and is really loaded.
  await tab.waitForFunction(() => [...document.fonts].some((f) => /FabricMDL2Icons/.test(f.family) && f.status === "loaded"));
  assert.equal(await tab.locator('[data-pglet-id="ic"]').evaluate((e) => getComputedStyle(e).color), "rgb(232, 17, 35)", "red is the theme palette's red");
  assert.equal(await tab.locator('img[data-pglet-id="im"], [data-pglet-id="im"] img').getAttribute("alt"), "Logo");
  assert.deepEqual(tab.external, [], "nothing fetched from outside");
  f.noErrors(tab);
});

test("charts and persona render from data points", async () => {
  const h = await f.page([
    "add linechart id=lc legend\n  data legend=CPU\n    p x=1 y=10\n    p x=2 y=30\n    p x=3 y=20",
    "add piechart id=pc\n  data\n    p legend=A value=30\n    p legend=B value=70",
    "add persona id=pe text='Ada Lovelace' secondarytext=Engineer presence=online",
  ]);
  const tab = await f.tab(h);
  await tab.waitForFunction(() => document.querySelectorAll('[data-pglet-id="lc"] svg path').length > 3);
  await tab.getByText("CPU").first().waitFor();
  // The charts are drawn on their own schedule: wait for the pie's slices too.
  await tab.waitForFunction(() => document.querySelectorAll('[data-pglet-id="pc"] path').length >= 2);
  assert.equal(await tab.locator('[data-pglet-id="pc"] path').count() >= 2, true);
  assert.match(await tab.locator('[data-pglet-id="pe"] .ms-Persona-primaryText').textContent(), /Ada Lovelace/);
  await tab.getByText("AL").waitFor();
  f.noErrors(tab);
});
