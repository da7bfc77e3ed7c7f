// End-to-end test of the dashboard in headless Chromium (Debian's, driven by playwright-core):
// log in, filter the leaderboard, open an account, see the community map render, a
// community's leaderboard, the workspace's audit and segments, and check that a viewer is
// refused an import. Run by .ci/browser-test, which starts the server
// on the demo store and passes its address and the users' passwords.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const base = process.argv[2];
const [admin, adminPassword, viewer, viewerPassword] = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const failures = [];
const step = async (name, f) => {
  try {
    await f();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}: ${e.message}`);
  }
};

async function logIn(page, user, password) {
  await page.goto(base);
  await page.getByLabel("User").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator("#rank-rows tr").first().waitFor({ timeout: 20000 });
}

const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

await step("a wrong password is refused with a message", async () => {
  await page.goto(base);
  await page.getByLabel("User").fill(admin);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator("#status").filter({ hasText: "wrong user name or password" }).waitFor();
});

await step("log in and see the leaderboard of native influencers", async () => {
  await logIn(page, admin, adminPassword);
  const rows = await page.locator("#rank-rows tr").count();
  assert.ok(rows > 0 && rows <= 25, `rows: ${rows}`);
  assert.equal(await page.locator("#status").textContent(), "", "no error shown");
  const tiers = await page.locator("#rank-rows tr td:nth-child(5)").allTextContents();
  assert.ok(tiers.every((t) => t.includes("native")), tiers.join("|"));
});

await step("filter the leaderboard by tier, and page through it", async () => {
  await page.getByLabel("Tier").selectOption("");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForFunction(() => !document.querySelector("#page").textContent.includes("none"));
  const first = await page.locator("#rank-rows tr td:first-child").first().textContent();
  assert.equal(first.trim(), "1");
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForFunction(() => document.querySelector("#rank-rows tr td")?.textContent.trim() === "26");
});

await step("open an account and see where its authority comes from", async () => {
  await page.locator("#rank-rows tr a").first().click();
  await page.locator("#account-title").filter({ hasText: /\S/ }).waitFor();
  assert.match(await page.locator("#account-summary").textContent(), /Rank \d/);
  assert.ok((await page.locator("#engager-rows tr").count()) > 0);
  await page.locator("#audit-summary").filter({ hasText: "bot probability" }).waitFor({ timeout: 60000 });
  assert.match(await page.locator("#independence-summary").textContent(), /Independence|No posts/);
  assert.match(await page.locator("#trust-summary").textContent(), /Trust \d|No trust score/);
  assert.ok((await page.locator("#audit-rows tr").count()) > 0, "the audit gives its reasons");
});

await step("the community map renders and is keyboard-operable", async () => {
  await page.getByRole("link", { name: "Communities" }).click();
  await page.locator("#map circle").first().waitFor({ timeout: 60000 });
  const circles = await page.locator("#map circle").count();
  assert.ok(circles >= 2, `circles: ${circles}`);
  await page.locator("#map circle").nth(1).focus();
  await page.keyboard.press("Enter");
  await page.locator("#community-detail h3").filter({ hasText: "members" }).waitFor();
  assert.ok((await page.locator("#community-detail li").count()) > 0);
});

await step("community stability over time is charted", async () => {
  await page.locator("#stability-chart polyline").first().waitFor({ timeout: 60000 });
  assert.equal(await page.locator("#stability-chart polyline").count(), 2, "NMI and ARI");
  assert.ok((await page.locator("#stability-rows tr").count()) > 0);
  assert.match(await page.locator("#stability-summary").textContent(), /NMI \d/);
});

await step("communities and stability ran as jobs, listed and done", async () => {
  const jobs = await page.evaluate(async () => {
    const ws = document.querySelector("#workspace").value;
    const r = await fetch(`/api/workspaces/${ws}/jobs`);
    return r.json();
  });
  const done = jobs.filter((j) => j.kind === "communities" && j.state === "done");
  assert.ok(done.length >= 2, JSON.stringify(jobs));
  assert.equal(await page.locator("#job").isHidden(), true, "no progress shown once done");
});

await step("a community's own leaderboard", async () => {
  const button = page.locator("#community-detail button");
  const id = (await button.textContent()).match(/\d+/)[0];
  await button.click();
  await page.locator("#rank-caption").filter({ hasText: "match" }).waitFor({ timeout: 60000 });
  assert.equal(await page.getByLabel("Community", { exact: true }).inputValue(), id);
  assert.ok((await page.locator("#rank-rows tr").count()) > 0, "members ranked");
  await page.getByLabel("Community", { exact: true }).fill("");
});

await step("the audit of the workspace: suspicious accounts and pods", async () => {
  await page.getByRole("link", { name: "Audit", exact: true }).click();
  await page.locator("#audit-all-summary").filter({ hasText: "accounts audited" }).waitFor({ timeout: 120000 });
  const rows = await page.locator("#audit-all-rows tr").count();
  assert.ok(rows > 0 && rows <= 25, `rows: ${rows}`);
  assert.match(await page.locator("#audit-page").textContent(), /^1–/);
  assert.match(await page.locator("#pods-caption").textContent(), /groups|No engagement pods/);
});

await step("segments are charted and filtered", async () => {
  await page.getByRole("link", { name: "Segments" }).click();
  await page.locator("#segments-chart rect").first().waitFor({ timeout: 60000 });
  assert.equal(await page.locator("#segments-chart rect").count(), 4, "one bar per segment");
  await page.getByLabel("Segment", { exact: true }).selectOption("creator");
  await page.getByRole("button", { name: "Show" }).click();
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll("#segment-rows tr td:nth-child(2)")];
    return cells.length > 0 && cells.every((td) => td.textContent === "creator");
  });
  await page.locator("#groups-summary").filter({ hasText: /groups|No groups/ }).waitFor();
});

await step("questions with their best answers, and posts filtered by kind", async () => {
  await page.getByRole("link", { name: "Customer voice" }).click();
  await page.locator("#ugc-threads li").first().waitFor({ timeout: 60000 });
  assert.match(await page.locator("#ugc-threads li").first().textContent(), /asks:/);
  await page.getByLabel("Kind").selectOption("question");
  await page.getByRole("button", { name: "Show" }).click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll("#ugc-rows tr td:first-child")].every((td) => td.textContent === "question"));
  assert.ok((await page.locator("#ugc-rows tr").count()) > 0);
});

await step("one post classified on the customer voice page", async () => {
  await page.getByLabel("Try a post").fill("Qualcuno sa se il negozio apre domenica?");
  await page.getByRole("button", { name: "Classify" }).click();
  await page.locator("#classify-result").filter({ hasText: "question" }).waitFor();
});

await step("the disclosure of sponsored posts", async () => {
  await page.getByRole("link", { name: "Disclosure" }).click();
  await page.locator("#disclosure-summary").filter({ hasText: /posts/ }).waitFor({ timeout: 60000 });
  assert.match(await page.locator("#disclosure-page").textContent(), /of|none/);
});

await step("plan a Social Set against professionals", async () => {
  await page.getByRole("link", { name: "Plan" }).click();
  await page.getByLabel("Budget (EUR)").fill("2000");
  await page.getByRole("button", { name: "Plan", exact: true }).click();
  await page.locator("#plan-summary").filter({ hasText: "per euro" }).waitFor({ timeout: 120000 });
  assert.ok((await page.locator("#plan-rows tr").count()) > 0, "members listed");
  assert.match(await page.locator("#plan-summary").textContent(), /Professional plan/);
});

await step("an admin sees the import form", async () => {
  assert.equal(await page.locator("#nav-import").isVisible(), true);
});

await step("a viewer is refused an import", async () => {
  const context = await browser.newContext();
  const p = await context.newPage();
  await logIn(p, viewer, viewerPassword);
  assert.equal(await p.locator("#nav-import").isVisible(), false, "no import link for a viewer");
  const status = await p.evaluate(async () => {
    const ws = document.querySelector("#workspace").value;
    const r = await fetch(`/api/workspaces/${ws}/imports?name=x.jsonl`, { method: "POST", body: "{}" });
    return [r.status, (await r.json()).error];
  });
  assert.equal(status[0], 403, String(status));
  assert.match(status[1], /viewer/);
  await context.close();
});

await step("no script errors", async () => {
  assert.deepEqual(errors, []);
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} browser test(s) failed`);
  process.exit(1);
}
console.log("browser tests passed");
