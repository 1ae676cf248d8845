// Status rendering: a snapshot -> HTML string; tolerant of missing, unknown and malformed fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const R = require("../../media/status-render.js");

const now = Date.now() / 1000;
const SNAPSHOT = {
  version: "0.1.0", uptime_s: 12.3, workspace: "/ws", trusted: true,
  agents: [
    { name: "programming", tasks_done: 3, tasks_failed: 1, state: "busy", last_error: null },
    { name: "verifier", tasks_done: 0, tasks_failed: 0, state: "error", last_error: "pytest <crashed>" },
  ],
  providers: [
    { name: "ollama", enabled: true, reason: "", healthy: false, breaker: "open", latency_p50_ms: 120, latency_series: [100, 140, 120], model: "qwen2.5-coder:7b" },
    { name: "offline", enabled: true, healthy: true, breaker: "closed", latency_p50_ms: 3, latency_series: [], model: "ruff" },
  ],
  last_provenance: "offline/ruff",
  memory: { path: "/data", degraded: null },
  process: { cpu_percent: 0.5, rss_mb: 60.1 },
  queue: { depth: 2, running: 1, workers: 3 },
  scheduler: [{ id: "health_check", next_run: new Date(Date.now() + 60000).toISOString(), paused: false }],
  alerts: { open: [{ id: 7, rule: "provider_down", severity: "warning", message: "ollama <down>", count: 2 }], by_severity: { warning: 1 } },
  metrics: { cpu_percent: [[now - 2, 1], [now - 1, 5], [now, 3]], rss_mb: [[now - 1, 50], [now, 60]] },
  reports: [{ id: 3, title: "Tests: 1 failed", agent: "verifier", created_at: now - 30 }],
};

test("a full snapshot shows agents, providers, queue, schedule, alerts, reports and charts", () => {
  const html = R.renderHtml(SNAPSHOT, { state: "running" });
  for (const needle of ['data-agent="programming"', 'data-provider="ollama"', "zc-health-down", "breaker open", "120 ms",
    'data-role="queue"', "health_check", "in 1m", 'data-action="ackAlert" data-id="7"', 'data-action="resolveAlert" data-id="7"',
    'data-action="openReport" data-id="3"', 'data-role="cpu"', 'data-role="memory"', "60.1 MB", "offline/ruff", "running"]) {
    assert.ok(html.includes(needle), `missing ${needle}`);
  }
  // latency sparkline and CPU chart are inline SVG polylines
  assert.ok((html.match(/<polyline/g) || []).length >= 3);
});

test("server text is escaped, never injected as markup", () => {
  const html = R.renderHtml(SNAPSHOT, { state: "running" });
  assert.ok(html.includes("pytest &lt;crashed&gt;"));
  assert.ok(html.includes("ollama &lt;down&gt;"));
  const evil = R.renderHtml({ agents: [{ name: '"><img src=x onerror=alert(1)>', state: 'idle" onclick="x' }] }, { state: "running" });
  assert.ok(!evil.includes("<img"));
  assert.ok(!/onclick="x/.test(evil));
});

test("no inline styles or handlers (the panel's CSP forbids them)", () => {
  const html = R.renderHtml(SNAPSHOT, { state: "stopped", error: "boom" });
  assert.ok(!/\sstyle=/.test(html));
  assert.ok(!/\son[a-z]+=/.test(html));
});

test("missing sections are simply absent; an empty snapshot still renders", () => {
  const html = R.renderHtml({ version: "0.1.0" }, { state: "running" });
  assert.ok(html.includes("running"));
  assert.ok(!html.includes('data-role="agents"'));
  assert.ok(R.renderHtml(null, { state: "starting" }).includes("waiting for the server"));
});

test("malformed fields never break the view: bad sections are dropped, good ones stay", () => {
  const weird = {
    agents: "not a list", providers: [null, 5, { name: "ollama", latency_series: "x", latency_p50_ms: "fast" }],
    alerts: { open: { not: "a list" } }, queue: [1, 2], scheduler: [{ id: 1, next_run: "garbage" }],
    metrics: { cpu_percent: [[1, "x"], "y", null], rss_mb: 3 }, reports: [{ id: null }], unknown_future_section: { x: 1 },
    process: { cpu_percent: Infinity },
  };
  const html = R.renderHtml(weird, { state: "running" });
  assert.ok(html.includes('data-provider="ollama"'));
  assert.ok(html.includes("no open alerts"));
  for (const v of [undefined, 42, "str", [], true]) assert.equal(typeof R.renderHtml(v, undefined), "string");
});

test("a section whose renderer throws is replaced by a quiet note, the rest renders", () => {
  const snap = { agents: [{ name: "ops", state: "idle" }] };
  Object.defineProperty(snap, "providers", { get() { throw new Error("bad getter"); }, enumerable: true });
  const html = R.renderHtml(snap, { state: "running" });
  assert.ok(html.includes('data-agent="ops"'));
  assert.ok(html.includes('data-role="section-error"'));
});

test("connection states: restarting, then stopped with the last error and a restart button", () => {
  assert.ok(R.renderHtml(SNAPSHOT, { state: "restarting", error: "Traceback: boom" }).includes("restarting"));
  const stopped = R.renderHtml(SNAPSHOT, { state: "stopped", error: "ImportError: no zc_lsp" });
  assert.ok(stopped.includes("zc-conn-stopped"));
  assert.ok(stopped.includes("ImportError: no zc_lsp"));
  assert.ok(stopped.includes('data-action="restart"'));
  assert.ok(stopped.includes("zc-stale"), "the last snapshot is dimmed while stopped");
  assert.ok(!R.renderHtml(SNAPSHOT, { state: "running" }).includes("zc-stale"));
});

test("untrusted workspace is shown", () => {
  assert.ok(R.renderHtml({ ...SNAPSHOT, trusted: false }, { state: "running" }).includes("untrusted workspace"));
});

test("sparkline scales values into the box; fewer than two points draws an empty box", () => {
  const svg = R.sparkline([0, 10], { width: 12, height: 12, min: 0 });
  assert.match(svg, /points="1\.0,11\.0 11\.0,1\.0"/);
  assert.ok(R.sparkline([5]).includes("zc-empty"));
  assert.ok(R.sparkline([[1, 2], [2, 4]]).includes("<polyline"));
});

test("attach routes clicks on data-action elements with numeric ids", () => {
  const calls = [];
  let listener;
  const element = { addEventListener: (_t, fn) => { listener = fn; }, removeEventListener() {} };
  R.attach(element, (action, data) => calls.push([action, data.id]));
  const button = { getAttribute: (n) => ({ "data-action": "ackAlert", "data-id": "7" })[n] ?? null, parentNode: element };
  const inner = { getAttribute: () => null, parentNode: button };
  listener({ target: inner, preventDefault() {} });
  listener({ target: { getAttribute: () => null, parentNode: element }, preventDefault() {} });
  assert.deepEqual(calls, [["ackAlert", 7]]);
});

test("open alert count for the status bar tolerates a missing section", () => {
  assert.equal(R.openAlertCount(SNAPSHOT), 1);
  assert.equal(R.openAlertCount({}), 0);
  assert.equal(R.openAlertCount({ alerts: { open: "x" } }), 0);
});
