// Times every page of the dashboard on a real-size workspace in headless Chromium, at 1400 px
// and at 390 px: time to first content (the page's first meaningful element, or the progress
// of its job) and time to complete (its content shown and no job running), whether the page
// scrolls sideways, and script errors; a screenshot of each. Run by .ci/browser-timing, which
// builds the Higgs workspace and starts the server. Prints a Markdown table.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const [base, user, password, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });

// Each page: how to open it, what shows it has begun, what shows it is complete.
const pages = [
  { name: "leaderboard", hash: "leaderboard", first: "#rank-rows tr", done: "#rank-rows tr" },
  { name: "account", hash: null, first: "#account-summary:has-text('Rank')", done: "#audit-summary:has-text('chance of automation')" },
  { name: "communities", hash: "communities", first: "#communities-summary:not(:empty)", done: "#map circle", then: "#stability-chart polyline, #stability-summary:has-text('No two')" },
  { name: "audit", hash: "audit", first: "#audit-all-summary:not(:empty)", done: "#audit-all-rows tr" },
  { name: "segments", hash: "segments", first: "#segments-chart rect", done: "#segments-chart rect" },
  { name: "disclosure", hash: "disclosure", first: "#disclosure-summary:not(:empty)", done: "#disclosure-summary:not(:has-text('Checking'))" },
  { name: "customer voice", hash: "ugc", first: "#ugc-summary:not(:empty)", done: "#ugc-summary:has-text('posts captured')" },
  // Higgs gives no follower counts: its accounts count as natives by request.
  { name: "plan", hash: "plan", first: "#plan-form", done: "#plan-summary:has-text('Social Set')", check: "#assume-native", submit: "Plan" },
  { name: "campaigns", hash: "campaigns", first: "#campaigns-summary:not(:empty)", done: "#campaigns-summary:not(:empty)" },
];

const rows = [];
const errors = [];
for (const width of [1400, 390]) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`${width}px: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(`${width}px console: ${m.text()}`));
  await page.goto(base);
  await page.getByLabel("User").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  // Higgs gives no follower counts: the analyst counts unknown audiences as natives once
  // (the dashboard keeps the choice), as on the plan page.
  await page.locator("#rank-caption:has-text('match')").waitFor({ timeout: 120000 });
  await page.locator("#rank-assume-native").check();
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await page.locator("#rank-rows tr").first().waitFor({ timeout: 120000 });
  const top = (await page.locator("#rank-rows tr a").first().getAttribute("href")).slice(1);
  for (const p of pages) {
    // From a blank page, so that nothing of the last one counts as this one's content.
    await page.goto("about:blank");
    const started = Date.now();
    await page.goto(`${base}#${p.hash ?? top}`);
    if (p.submit) {
      await page.locator(p.first).waitFor({ timeout: 120000 });
      if (p.check) await page.locator(p.check).check();
      await page.getByRole("button", { name: p.submit, exact: true }).click();
    }
    const first = await Promise.race([
      page.locator(p.first).first().waitFor({ timeout: 300000 }),
      page.locator("#job-step:not(:empty)").first().waitFor({ timeout: 300000 }),
    ]).then(() => (Date.now() - started) / 1000, (e) => `failed: ${e.message.split("\n")[0]}`);
    // `then`: what shows the page's last job (run after the first) has ended.
    const done = await page.locator(p.done).first().waitFor({ timeout: 300000 })
      .then(() => p.then && page.locator(p.then).first().waitFor({ timeout: 300000 }))
      .then(() => page.locator("#job").waitFor({ state: "hidden", timeout: 300000 }))
      .then(() => (Date.now() - started) / 1000, (e) => `failed: ${e.message.split("\n")[0]}`);
    const [pageWidth, screen] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    await page.screenshot({ path: `${shots}/${width}-${p.name.replace(/\W/g, "_")}.png`, fullPage: true });
    rows.push({ width, page: p.name, first, done, sideways: pageWidth > screen ? `${pageWidth} px` : "no" });
  }
  await context.close();
}
await browser.close();

const s = (v) => (typeof v === "number" ? `${v.toFixed(2)} s` : v);
console.log("| screen | page | first content | complete | page scrolls sideways |");
console.log("|---|---|---:|---:|---|");
for (const r of rows) console.log(`| ${r.width} px | ${r.page} | ${s(r.first)} | ${s(r.done)} | ${r.sideways} |`);
console.log(`\nScript errors: ${errors.length ? errors.join("; ") : "none"}`);
