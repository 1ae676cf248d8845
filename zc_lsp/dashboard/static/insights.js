/*
 * The dashboard's own sections (zc_lsp/dashboard/insights.py): open findings, the last test run,
 * model latency and cost per provider. Everything from the server is escaped; no inline styles (CSP).
 */
(function () {
  "use strict";
  var esc = window.ZcStatusRender.escapeHtml;

  function isObj(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function n(v) { return typeof v === "number" && isFinite(v) ? v : null; }
  function ms(v) { return n(v) === null ? "–" : n(v).toFixed(n(v) < 10 ? 1 : 0) + " ms"; }
  function usd(v) { return n(v) === null ? "–" : n(v) === 0 ? "$0" : "$" + n(v).toFixed(n(v) < 1 ? 4 : 2); }
  function when(ts) { return n(ts) === null ? "" : new Date(ts * 1000).toLocaleString(); }
  function section(title, role, body) {
    return '<div class="zc-section" data-role="' + role + '"><h3>' + esc(title) + "</h3>" + body + "</div>";
  }
  function failed(part) { return isObj(part) && part.error ? '<p class="zc-error">' + esc(part.error) + "</p>" : null; }

  function findings(f) {
    var bad = failed(f);
    if (bad) return section("Open findings", "findings", bad);
    if (!isObj(f)) return section("Open findings", "findings", '<p class="zc-muted">no data</p>');
    var files = arr(f.files).filter(isObj);
    var from = f.source === "live" ? "in the editor now" : "from the stored reviews";
    if (!files.length) {
      return section("Open findings", "findings", '<p class="zc-muted" data-role="findings-none">none ' + esc(from) + "</p>");
    }
    var rows = files.map(function (file) {
      var detail = arr(file.items).filter(isObj).map(function (it) {
        return '<li class="zc-small"><span class="zc-badge">' + esc(it.code || it.source) + "</span> " +
          esc("line " + it.line + ": " + (it.message || "")) + "</li>";
      }).join("");
      if (!detail && arr(file.codes).length) detail = '<li class="zc-small zc-muted">' + esc(arr(file.codes).join(", ")) + "</li>";
      return '<li data-role="finding-file"><span class="zc-num zc-badge">' + esc(file.count) + "</span> " +
        '<span class="zc-model">' + esc(file.path) + '</span><ul class="zc-list ins-items">' + detail + "</ul></li>";
    }).join("");
    var more = n(f.more_files) ? '<p class="zc-muted zc-small">and ' + esc(f.more_files) + " more files</p>" : "";
    return section("Open findings", "findings",
      '<p class="zc-small"><strong data-role="findings-total">' + esc(f.total) + "</strong> " + esc(from) + "</p>" +
      '<ul class="zc-list">' + rows + "</ul>" + more);
  }

  function lastRun(t) {
    var bad = failed(t);
    if (bad) return section("Last test run", "last-test-run", bad);
    if (!isObj(t)) return section("Last test run", "last-test-run", '<p class="zc-muted">no test run yet</p>');
    var counts = ["passed", "failed", "errors", "skipped"].map(function (k) {
      return '<span data-count="' + k + '"><strong>' + esc(n(t[k]) === null ? "–" : t[k]) + "</strong> " + k + "</span>";
    }).join("");
    var fails = arr(t.failures).filter(isObj).map(function (f) {
      var where = f.file ? f.file + (f.line ? ":" + f.line : "") : "";
      return '<li class="zc-alert zc-sev-error" data-role="test-failure"><strong>' + esc(f.test) + "</strong>" +
        (where ? ' <span class="zc-muted zc-small">' + esc(where) + "</span>" : "") +
        '<div class="zc-small">' + esc(f.message) + "</div></li>";
    }).join("");
    return section("Last test run", "last-test-run",
      '<p><span class="zc-badge ins-' + esc(t.state) + '" data-role="test-state">' + esc(t.state) + "</span> " +
      '<span class="zc-muted zc-small">' + esc((t.scope || "") + " · " + when(t.at)) + "</span></p>" +
      '<div class="zc-kv">' + counts + "</div>" +
      (t.interpreter ? '<p class="zc-muted zc-small zc-model">' + esc(t.interpreter) + "</p>" : "") +
      (fails ? '<ul class="zc-list">' + fails + "</ul>" : ""));
  }

  function usage(u) {
    var bad = failed(u);
    if (bad) return section("Models: latency and cost", "provider-usage", bad);
    var rows = arr(u).filter(isObj).map(function (p) {
      var health = p.enabled === false ? "disabled" : p.healthy === false ? "down" : p.healthy === true ? "healthy" : "unknown";
      return '<tr data-provider="' + esc(p.name) + '"><td><span class="zc-dot zc-health-' + health + '" title="' + health + '"></span>' +
        esc(p.name) + '</td><td class="zc-num">' + esc(p.calls) + '</td><td class="zc-num">' + esc(p.errors) +
        '</td><td class="zc-num">' + ms(p.latency_p50_ms) + '</td><td class="zc-num">' + ms(p.latency_p95_ms) +
        '</td><td class="zc-num">' + esc((p.tokens_in || 0) + " / " + (p.tokens_out || 0)) +
        '</td><td class="zc-num" data-role="cost-today">' + usd(p.cost_today_usd) +
        '</td><td class="zc-num">' + usd(p.cost_total_usd) + "</td></tr>";
    }).join("");
    if (!rows) return section("Models: latency and cost", "provider-usage", '<p class="zc-muted">no model calls in the last day</p>');
    return section("Models: latency and cost", "provider-usage",
      '<table class="zc-table"><thead><tr><th>provider</th><th class="zc-num">calls</th><th class="zc-num">errors</th>' +
      '<th class="zc-num">p50</th><th class="zc-num">p95</th><th class="zc-num">tokens in/out</th>' +
      '<th class="zc-num">cost today</th><th class="zc-num">total</th></tr></thead><tbody>' + rows + "</tbody></table>" +
      '<p class="zc-muted zc-small">calls in the last 24 h, from the audit log; cost as the router accounted it</p>');
  }

  function render(el, insights) {
    if (!el) return;
    if (!isObj(insights)) {
      el.innerHTML = '<p class="zc-muted">waiting for data…</p>';
      return;
    }
    el.innerHTML = findings(insights.findings) + lastRun(insights.last_test_run) + usage(insights.provider_usage);
  }

  window.ZcInsights = { render: render };
})();
