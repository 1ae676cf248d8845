/*
 * ZombieCoder status renderer: turns a `zc/status` snapshot (docs/contracts.md) into HTML.
 *
 * Standalone on purpose: no VS Code API, no dependencies, plain ES2019 in a UMD wrapper, so the
 * same file drives the VS Code side panel (classic <script>, global `ZcStatusRender`), node's unit
 * tests (require) and the web dashboard (load it and call `render(element, snapshot)`).
 *
 * Tolerant by design: every section is rendered on its own and a section that throws, or a field
 * of the wrong type, is dropped, so a malformed or newer snapshot never breaks the view. No inline
 * styles or handlers (the panel's Content-Security-Policy forbids them): colours come from CSS
 * classes and SVG presentation attributes, actions from `data-action` attributes.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.ZcStatusRender = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function esc(value) {
    return String(value === undefined || value === null ? "" : value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }
  function isObj(v) {
    return typeof v === "object" && v !== null && !Array.isArray(v);
  }
  function arr(v) {
    return Array.isArray(v) ? v : [];
  }
  function num(v) {
    return typeof v === "number" && isFinite(v) ? v : null;
  }
  function str(v) {
    return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
  }
  function fmt(v, digits) {
    var n = num(v);
    return n === null ? "–" : n.toFixed(digits === undefined ? 0 : digits);
  }
  /** Safe class token from server text (e.g. a severity), so it cannot inject attributes. */
  function token(v) {
    return str(v).toLowerCase().replace(/[^a-z0-9_-]/g, "") || "unknown";
  }
  function relTime(iso, now) {
    var t = typeof iso === "number" ? iso * 1000 : Date.parse(str(iso));
    if (!isFinite(t)) return esc(str(iso)) || "–";
    var s = Math.round((t - now) / 1000);
    var abs = Math.abs(s);
    var text = abs < 60 ? abs + "s" : abs < 3600 ? Math.round(abs / 60) + "m" : abs < 86400 ? Math.round(abs / 3600) + "h" : Math.round(abs / 86400) + "d";
    return s >= 0 ? "in " + text : text + " ago";
  }

  /** Numbers from a series of values or [ts, value] pairs; anything else is skipped. */
  function values(series) {
    var out = [];
    arr(series).forEach(function (p) {
      var v = Array.isArray(p) ? num(p[1]) : isObj(p) ? num(p.value) : num(p);
      if (v !== null) out.push(v);
    });
    return out;
  }

  /** An inline SVG polyline; fine under a strict CSP because it is markup, not a resource. */
  function sparkline(series, opts) {
    opts = opts || {};
    var w = opts.width || 80;
    var h = opts.height || 18;
    var vals = values(series).slice(-(opts.points || 60));
    var cls = "zc-spark" + (opts.cls ? " " + opts.cls : "");
    var label = esc(opts.label || "trend");
    if (vals.length < 2) {
      return '<svg class="' + cls + ' zc-empty" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h + '" role="img" aria-label="' + label + ': no data"></svg>';
    }
    var min = opts.min !== undefined ? opts.min : Math.min.apply(null, vals);
    var max = Math.max.apply(null, vals);
    if (opts.max !== undefined) max = Math.max(max, opts.max);
    var span = max - min || 1;
    var pts = vals.map(function (v, i) {
      var x = (i / (vals.length - 1)) * (w - 2) + 1;
      var y = h - 1 - ((v - min) / span) * (h - 2);
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    var area = opts.fill ? '<polygon class="zc-area" points="1,' + (h - 1) + " " + pts.join(" ") + " " + (w - 1) + "," + (h - 1) + '" />' : "";
    return '<svg class="' + cls + '" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h + '" role="img" aria-label="' + label + '">' + area + '<polyline fill="none" points="' + pts.join(" ") + '" /></svg>';
  }

  function section(title, body, cls) {
    return '<section class="zc-section ' + (cls || "") + '"><h3>' + esc(title) + "</h3>" + body + "</section>";
  }

  var CONNECTION_TEXT = {
    starting: "starting…",
    running: "running",
    restarting: "restarting…",
    stopped: "stopped",
  };

  function renderHeader(s, conn) {
    var state = conn && conn.state ? token(conn.state) : "running";
    var text = CONNECTION_TEXT[state] || esc(state);
    var html = '<div class="zc-header"><span class="zc-conn zc-conn-' + state + '" data-role="connection">' + text + "</span>";
    if (s) {
      if (s.version) html += ' <span class="zc-muted">v' + esc(s.version) + "</span>";
      if (num(s.uptime_s) !== null) html += ' <span class="zc-muted">up ' + relTime(Date.now() / 1000 - s.uptime_s, Date.now()).replace(" ago", "") + "</span>";
      if (s.trusted === false) html += ' <span class="zc-badge zc-warn">untrusted workspace: tests and auto-fix off</span>';
      if (s.last_provenance) html += '<div class="zc-prov">last answer: <b data-role="provenance">' + esc(s.last_provenance) + "</b></div>";
    }
    if (conn && conn.error && (state === "stopped" || state === "restarting")) {
      html += '<div class="zc-error" data-role="last-error">' + esc(conn.error) + "</div>";
    }
    if (conn && state === "stopped") html += '<button class="zc-btn" data-action="restart">Restart server</button>';
    return html + "</div>";
  }

  function renderAgents(s) {
    var rows = arr(s.agents).filter(isObj);
    if (!rows.length) return "";
    var body = rows.map(function (a) {
      var st = token(a.state || "idle");
      return '<tr data-agent="' + esc(a.name) + '"><td><span class="zc-dot zc-state-' + st + '"></span>' + esc(a.name) + '</td><td class="zc-state">' + esc(st) + '</td><td class="zc-num">' + fmt(a.tasks_done) + '</td><td class="zc-num">' + fmt(a.tasks_failed) + "</td></tr>" +
        (a.last_error ? '<tr class="zc-sub"><td colspan="4" class="zc-error">' + esc(a.last_error) + "</td></tr>" : "");
    }).join("");
    return section("Agents", '<table class="zc-table" data-role="agents"><thead><tr><th>agent</th><th>state</th><th>done</th><th>failed</th></tr></thead><tbody>' + body + "</tbody></table>");
  }

  function renderProviders(s) {
    var rows = arr(s.providers).filter(isObj);
    if (!rows.length) return "";
    var body = rows.map(function (p) {
      var health = p.enabled === false ? "disabled" : p.healthy === false ? "down" : p.healthy === true ? "healthy" : "unknown";
      var breaker = p.breaker && p.breaker !== "closed" ? ' <span class="zc-badge zc-warn">breaker ' + esc(p.breaker) + "</span>" : "";
      var reason = p.reason ? '<tr class="zc-sub"><td colspan="4" class="zc-muted zc-small">' + esc(p.reason) + "</td></tr>" : "";
      return '<tr data-provider="' + esc(p.name) + '"><td><span class="zc-dot zc-health-' + health + '" title="' + health + '"></span>' + esc(p.name) + breaker + '</td><td class="zc-small zc-model">' + esc(p.model) + '</td><td class="zc-num">' + (num(p.latency_p50_ms) === null ? "–" : fmt(p.latency_p50_ms) + " ms") + "</td><td>" + sparkline(p.latency_series, { label: str(p.name) + " latency", min: 0, width: 56 }) + "</td></tr>" + reason;
    }).join("");
    return section("Providers", '<table class="zc-table" data-role="providers"><thead><tr><th>provider</th><th>model</th><th>p50</th><th>latency</th></tr></thead><tbody>' + body + "</tbody></table>");
  }

  function renderQueue(s) {
    var q = s.queue;
    var parts = [];
    if (isObj(q)) {
      parts.push('<div class="zc-kv" data-role="queue"><span>queued <b>' + fmt(q.depth) + "</b></span><span>running <b>" + fmt(q.running) + "</b></span><span>workers <b>" + fmt(q.workers) + "</b></span></div>");
    }
    var sched = arr(s.scheduler).filter(isObj);
    if (sched.length) {
      var now = Date.now();
      parts.push('<table class="zc-table" data-role="scheduler"><thead><tr><th>job</th><th>next run</th></tr></thead><tbody>' + sched.map(function (j) {
        return "<tr><td>" + esc(j.id) + (j.paused ? ' <span class="zc-badge">paused</span>' : "") + '</td><td title="' + esc(j.next_run) + '">' + (j.next_run ? relTime(j.next_run, now) : "–") + "</td></tr>";
      }).join("") + "</tbody></table>");
    }
    return parts.length ? section("Queue and schedule", parts.join("")) : "";
  }

  function renderAlerts(s) {
    if (!isObj(s.alerts)) return "";
    var open = arr(s.alerts.open).filter(isObj);
    if (!open.length) return section("Alerts", '<div class="zc-muted" data-role="alerts">no open alerts</div>');
    var items = open.map(function (a) {
      var id = esc(a.id);
      var count = num(a.count) !== null && a.count > 1 ? ' <span class="zc-muted">×' + fmt(a.count) + "</span>" : "";
      var acked = a.acked || a.acknowledged ? ' <span class="zc-badge">acked</span>' : "";
      return '<li class="zc-alert zc-sev-' + token(a.severity) + '" data-alert="' + id + '"><div><b>' + esc(a.severity || "alert") + "</b> " + esc(a.rule) + count + acked + '</div><div class="zc-small">' + esc(a.message) + '</div><div class="zc-actions"><button class="zc-btn" data-action="ackAlert" data-id="' + id + '">Ack</button><button class="zc-btn zc-secondary" data-action="resolveAlert" data-id="' + id + '">Resolve</button></div></li>';
    }).join("");
    return section("Alerts (" + open.length + ")", '<ul class="zc-list" data-role="alerts">' + items + "</ul>");
  }

  function renderReports(s) {
    var reports = arr(s.reports).filter(isObj);
    if (!reports.length) return "";
    var now = Date.now();
    return section("Recent reports", '<ul class="zc-list" data-role="reports">' + reports.slice(0, 20).map(function (r) {
      return '<li><a href="#" class="zc-link" data-action="openReport" data-id="' + esc(r.id) + '">' + esc(r.title || "report " + str(r.id)) + '</a> <span class="zc-muted zc-small">' + esc(r.agent) + (num(r.created_at) ? " · " + relTime(r.created_at, now) : "") + "</span></li>";
    }).join("") + "</ul>");
  }

  function renderMachine(s) {
    var m = isObj(s.metrics) ? s.metrics : {};
    var p = isObj(s.process) ? s.process : {};
    var cpu = values(m.cpu_percent);
    var rss = values(m.rss_mb);
    if (!cpu.length && !rss.length && num(p.cpu_percent) === null && num(p.rss_mb) === null) return "";
    var cpuNow = num(p.cpu_percent) !== null ? p.cpu_percent : cpu[cpu.length - 1];
    var rssNow = num(p.rss_mb) !== null ? p.rss_mb : rss[rss.length - 1];
    var body = '<div class="zc-chart" data-role="cpu"><div>CPU <b>' + fmt(cpuNow, 1) + " %</b></div>" + sparkline(m.cpu_percent, { width: 220, height: 40, min: 0, max: 100, fill: true, cls: "zc-cpu", label: "CPU percent", points: 120 }) + "</div>" +
      '<div class="zc-chart" data-role="memory"><div>Memory <b>' + fmt(rssNow, 1) + " MB</b></div>" + sparkline(m.rss_mb, { width: 220, height: 40, min: 0, fill: true, cls: "zc-mem", label: "resident memory MB", points: 120 }) + "</div>";
    return section("Server process", body);
  }

  function renderFooter(s) {
    var mem = isObj(s.memory) ? s.memory : null;
    var html = "";
    if (mem && mem.degraded) html += '<div class="zc-badge zc-warn">memory degraded: ' + esc(mem.degraded) + "</div>";
    if (s.workspace) html += '<div class="zc-muted zc-small">' + esc(s.workspace) + "</div>";
    return html ? '<footer class="zc-footer">' + html + "</footer>" : "";
  }

  var SECTIONS = [renderAgents, renderProviders, renderAlerts, renderQueue, renderReports, renderMachine, renderFooter];

  /**
   * The panel's HTML for a snapshot and the connection state ({state, error}); never throws.
   * A section that fails is left out: one bad field costs that section, not the view.
   */
  function renderHtml(snapshot, conn) {
    var s = isObj(snapshot) ? snapshot : null;
    var html;
    try {
      html = renderHeader(s, conn);
    } catch (e) {
      html = '<div class="zc-header"><span class="zc-conn">status</span></div>';
    }
    if (!s) return html + '<div class="zc-muted" data-role="waiting">waiting for the server…</div>';
    // while the server is down the last snapshot stays visible, dimmed, so nobody mistakes it for live
    var stale = conn && (conn.state === "stopped" || conn.state === "restarting");
    html += '<div class="zc-body' + (stale ? " zc-stale" : "") + '">';
    SECTIONS.forEach(function (fn) {
      try {
        html += fn(s);
      } catch (e) {
        // the malformed section is dropped and said so, quietly; the rest still renders
        html += '<div class="zc-muted zc-small" data-role="section-error">part of the status could not be shown (' + esc(e && e.message) + ")</div>";
      }
    });
    return html + "</div>";
  }

  /** Render into a DOM element (panel and dashboard). */
  function render(element, snapshot, conn) {
    element.innerHTML = renderHtml(snapshot, conn);
  }

  /**
   * Route clicks on `data-action` elements to `onAction(action, {id})`; returns a detach function.
   * Delegation keeps working across re-renders and needs no inline handlers (CSP).
   */
  function attach(element, onAction) {
    function handler(ev) {
      var t = ev.target;
      while (t && t !== element && !(t.getAttribute && t.getAttribute("data-action"))) t = t.parentNode;
      if (!t || t === element || !t.getAttribute) return;
      ev.preventDefault();
      var raw = t.getAttribute("data-id");
      var id = raw !== null && raw !== "" && isFinite(Number(raw)) ? Number(raw) : raw;
      onAction(t.getAttribute("data-action"), { id: id });
    }
    element.addEventListener("click", handler);
    return function () {
      element.removeEventListener("click", handler);
    };
  }

  /** Count of open alerts in a snapshot (status bar); 0 when the section is missing. */
  function openAlertCount(snapshot) {
    if (!isObj(snapshot) || !isObj(snapshot.alerts)) return 0;
    return arr(snapshot.alerts.open).length;
  }

  return {
    renderHtml: renderHtml,
    render: render,
    attach: attach,
    sparkline: sparkline,
    escapeHtml: esc,
    openAlertCount: openAlertCount,
  };
});
