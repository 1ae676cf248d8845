// Drives the ZombieCoder dashboard in headless Debian chromium with playwright-core.
// Usage: node dashboard_browser.cjs URL ARTIFACTS_DIR PLAYWRIGHT_CORE_DIR [CHROMIUM]
// Prints one JSON line with what it saw; exits 1 on any failed step (the message says which).
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const [url, artifacts, pwDir, chromiumPath] = process.argv.slice(2);
const { chromium } = require(pwDir);
const base = new URL(url).origin;

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const out = { steps: [] };
  const step = (name) => out.steps.push(name);
  const browser = await chromium.launch({
    executablePath: chromiumPath || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const csp = [];
    const errors = [];
    const remote = [];
    page.on("console", (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => { if (!r.url().startsWith(base)) remote.push(r.url()); });

    await page.goto(url);
    await page.waitForSelector('[data-role="agents"] [data-agent="conversational"]', { timeout: 15000 });
    out.url_after_login = page.url();
    step("status rendered by the shared renderer");

    const before = await page.textContent("#live");
    await page.waitForFunction((t) => document.querySelector("#live").textContent !== t, before, { timeout: 8000 });
    out.live_text = await page.textContent("#live");
    step("live updates arrive");

    await page.waitForSelector('[data-role="chart-cpu"] polyline.line', { timeout: 15000 });
    await page.waitForSelector('[data-role="chart-latency"] polyline.line', { timeout: 15000 });
    await page.waitForSelector('[data-role="chart-tasks"] svg', { timeout: 15000 });
    out.charts = await page.$$eval(".chart h4", (hs) => hs.map((h) => h.textContent));
    step("charts drawn from the task database");

    await page.waitForSelector("[data-alert]", { timeout: 10000 });
    out.alert_before = await page.textContent("[data-alert]");
    await page.click('[data-alert] [data-action="ackAlert"]');
    await page.waitForSelector('[data-alert] .zc-badge:has-text("acked")', { timeout: 10000 });
    step("ack marks the alert acked");
    await page.screenshot({ path: path.join(artifacts, "dashboard-desktop.png"), fullPage: true });

    await page.click('[data-alert] [data-action="resolveAlert"]');
    await page.waitForSelector('[data-role="alerts"]:has-text("no open alerts")', { timeout: 10000 });
    out.alerts_after = await page.$$eval("[data-alert]", (els) => els.length);
    step("resolve clears the alert");

    await page.click('[data-action="openReport"]');
    await page.waitForSelector("#report:not(.hidden)", { timeout: 10000 });
    out.report = await page.textContent("#report-body");
    step("a report opens");

    out.reports_list = await page.textContent('[data-role="reports"]');
    step("reports are listed");

    await page.waitForSelector('[data-role="findings"] [data-role="finding-file"]', { timeout: 10000 });
    out.findings_total = await page.textContent('[data-role="findings-total"]');
    out.findings = await page.textContent('[data-role="findings"]');
    step("open findings from the stored reviews");
    out.test_state = await page.textContent('[data-role="test-state"]');
    out.test_counts = await page.textContent('[data-role="last-test-run"] .zc-kv');
    out.test_failures = await page.textContent('[data-role="last-test-run"]');
    step("the last test run with its failure");
    await page.waitForSelector('[data-role="provider-usage"] tr[data-provider="openai"]', { timeout: 10000 });
    out.usage = await page.$$eval('[data-role="provider-usage"] tbody tr', (rows) => Object.fromEntries(
      rows.map((r) => [r.getAttribute("data-provider"), Array.from(r.cells).map((c) => c.textContent.trim())])));
    step("latency and cost per provider");
    await page.waitForSelector('[data-role="providers"] [data-provider="ollama"] .zc-dot:not(.zc-health-unknown)', { timeout: 15000 });
    out.ollama_health = await page.getAttribute('[data-role="providers"] [data-provider="ollama"] .zc-dot', "title");
    step("ollama's real health");
    await page.screenshot({ path: path.join(artifacts, "dashboard-insights.png"), fullPage: true });

    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(500);
    out.phone_scroll_width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: path.join(artifacts, "dashboard-phone.png"), fullPage: true });
    step("phone-sized screenshot");

    const stranger = await browser.newContext();
    const other = await stranger.newPage();
    const resp = await other.goto(base + "/");
    out.no_token_status = resp.status();
    step("no token, no page");

    out.csp_violations = csp;
    out.page_errors = errors;
    out.remote_requests = remote;
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
