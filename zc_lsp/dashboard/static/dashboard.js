/*
 * Dashboard glue: live snapshot over server-sent events (polling every 2 s if they fail), rendered
 * by the side panel's own renderer (status-render.js), plus charts over time from /api/metrics.
 * No inline handlers or styles (the CSP forbids them); the token for POSTs comes from a meta tag.
 */
(function () {
  "use strict";
  var R = window.ZcStatusRender;
  var token = (document.querySelector('meta[name="zc-token"]') || {}).content || "";
  var statusEl = document.getElementById("status");
  var liveEl = document.getElementById("live");
  var chartsEl = document.getElementById("charts");
  var insightsEl = document.getElementById("insights");
  var snapshot = null;
  var connection = { state: "starting" };
  var rangeS = 3600;
  var pollTimer = null;
  var CHARTS = [
    { name: "cpu_percent", title: "CPU", unit: "%", cls: "cpu", max: 100 },
    { name: "rss_mb", title: "Memory", unit: "MB", cls: "rss" },
    { name: "model_latency_ms", title: "Model latency", unit: "ms", cls: "latency" },
    { name: "tasks", title: "Tasks finished per minute", unit: "", cls: "tasks" },
  ];

  function api(path, opts) {
    opts = opts || {};
    opts.headers = { "X-ZC-Token": token };
    opts.credentials = "same-origin";
    return fetch(path, opts).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error : "HTTP " + r.status);
        return body;
      });
    });
  }

  function setLive(ok, text) {
    liveEl.textContent = text;
    liveEl.className = "live " + (ok ? "ok" : "bad");
  }

  function draw() {
    R.render(statusEl, snapshot, connection);
    if (window.ZcInsights) window.ZcInsights.render(insightsEl, snapshot && snapshot.insights);
  }

  function onSnapshot(s) {
    if (!s || typeof s !== "object" || Array.isArray(s)) return;
    snapshot = s;
    connection = { state: "running" };
    setLive(true, "live · " + new Date().toLocaleTimeString());
    draw();
  }

  function poll() {
    api("/api/status").then(onSnapshot, function (e) {
      connection = { state: "restarting", error: String(e.message || e) };
      setLive(false, "server unreachable, retrying");
      draw();
    });
  }

  function startEvents() {
    if (!window.EventSource) {
      pollTimer = setInterval(poll, 2000);
      poll();
      return;
    }
    var es = new EventSource("/api/events");
    es.addEventListener("status", function (ev) {
      try {
        onSnapshot(JSON.parse(ev.data));
      } catch (e) {
        setLive(false, "bad data from the server");
      }
    });
    es.onerror = function () {
      // fall back to polling until the stream comes back (EventSource reconnects by itself)
      setLive(false, "reconnecting…");
      if (!pollTimer) pollTimer = setInterval(poll, 2000);
    };
    es.onopen = function () {
      if (pollTimer) {
        clearInterval(pollTimer);
        pollTimer = null;
      }
    };
  }

  /* ---- charts ---------------------------------------------------------------------------- */
  function fmtTime(ts) {
    var d = new Date(ts * 1000);
    return (rangeS > 86000 ? d.toLocaleDateString() + " " : "") + d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function chartSvg(def, points) {
    // x spans the chosen window (now - range .. now) so the four charts line up in time
    var W = 480, H = 130, L = 36, B = 16, T = 8;
    var esc = R.escapeHtml;
    var t1 = Date.now() / 1000, t0 = t1 - rangeS;
    var axes = '<line class="axis" x1="' + L + '" y1="' + (H - B) + '" x2="' + W + '" y2="' + (H - B) + '" />' +
      '<line class="axis" x1="' + L + '" y1="' + T + '" x2="' + L + '" y2="' + (H - B) + '" />' +
      '<text x="' + L + '" y="' + (H - 3) + '">' + esc(fmtTime(t0)) + "</text>" +
      '<text x="' + (W - 2) + '" y="' + (H - 3) + '" text-anchor="end">' + esc(fmtTime(t1)) + "</text>";
    points = points.filter(function (p) { return p[0] >= t0 - 60; });
    if (!points.length) {
      return '<svg viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc(def.title) + ': no data yet">' + axes +
        '<text x="' + (L + 8) + '" y="' + (H / 2) + '">no data yet</text></svg>';
    }
    var vmax = def.max || 0;
    points.forEach(function (p) { if (p[1] > vmax) vmax = p[1]; });
    vmax = vmax || 1;
    var xy = points.map(function (p) {
      var x = L + Math.max(0, (p[0] - t0) / rangeS) * (W - L - 2);
      var y = H - B - (p[1] / vmax) * (H - B - T);
      return [x.toFixed(1), y.toFixed(1)];
    });
    var joined = xy.map(function (p) { return p.join(","); }).join(" ");
    var last = points[points.length - 1][1];
    var dots = points.length < 3 ? xy.map(function (p) { return '<circle class="dot" cx="' + p[0] + '" cy="' + p[1] + '" r="3" />'; }).join("") : "";
    return '<svg viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc(def.title) + " now " + esc(last.toFixed(1)) + " " + esc(def.unit) + '">' + axes +
      '<text x="' + (L - 4) + '" y="' + (T + 8) + '" text-anchor="end">' + esc(vmax.toFixed(vmax < 10 ? 1 : 0)) + "</text>" +
      '<text x="' + (L - 4) + '" y="' + (H - B) + '" text-anchor="end">0</text>' +
      '<polygon class="area" points="' + xy[0][0] + "," + (H - B) + " " + joined + " " + xy[xy.length - 1][0] + "," + (H - B) + '" />' +
      '<polyline class="line" points="' + joined + '" />' + dots + "</svg>";
  }

  /** Model latency falls back to the providers' own latency series when the task DB has none. */
  function latencyFromSnapshot() {
    var out = [];
    ((snapshot && snapshot.providers) || []).forEach(function (p) {
      var s = p && Array.isArray(p.latency_series) ? p.latency_series : [];
      s.forEach(function (v, i) {
        if (Array.isArray(v) && typeof v[0] === "number" && typeof v[1] === "number") out.push([v[0], v[1]]);
        else if (typeof v === "number") out.push([Date.now() / 1000 - (s.length - i) * 60, v]);
      });
    });
    return out.sort(function (a, b) { return a[0] - b[0]; });
  }

  function drawCharts() {
    var jobs = CHARTS.map(function (def) {
      return api("/api/metrics?name=" + encodeURIComponent(def.name) + "&since=" + -rangeS).then(
        function (body) { return body.points || []; },
        function () { return []; }
      ).then(function (points) {
        if (!points.length && def.name === "model_latency_ms") points = latencyFromSnapshot();
        var last = points.length ? points[points.length - 1][1] : null;
        return '<div class="chart chart-' + def.cls + '" data-role="chart-' + def.cls + '"><h4>' + R.escapeHtml(def.title) +
          (last === null ? "" : " <span class=\"zc-muted\">" + R.escapeHtml(last.toFixed(1) + " " + def.unit) + "</span>") + "</h4>" + chartSvg(def, points) + "</div>";
      });
    });
    Promise.all(jobs).then(function (parts) { chartsEl.innerHTML = parts.join(""); });
  }

  /* ---- actions --------------------------------------------------------------------------- */
  R.attach(statusEl, function (action, data) {
    if (action === "ackAlert" || action === "resolveAlert") {
      var verb = action === "ackAlert" ? "ack" : "resolve";
      api("/api/alerts/" + encodeURIComponent(data.id) + "/" + verb, { method: "POST" }).then(poll, function (e) {
        setLive(false, verb + " failed: " + (e.message || e));
        poll();
      });
    } else if (action === "openReport") {
      api("/api/reports/" + encodeURIComponent(data.id)).then(function (r) {
        document.getElementById("report-title").textContent = r.title || "Report";
        document.getElementById("report-body").textContent = r.markdown || "";
        document.getElementById("report").classList.remove("hidden");
      }, function (e) { setLive(false, "report: " + (e.message || e)); });
    }
  });
  document.getElementById("report-close").addEventListener("click", function () {
    document.getElementById("report").classList.add("hidden");
  });
  document.getElementById("range").addEventListener("click", function (ev) {
    var r = ev.target && ev.target.getAttribute && ev.target.getAttribute("data-range");
    if (!r) return;
    rangeS = Number(r);
    Array.prototype.forEach.call(document.querySelectorAll("#range button"), function (b) {
      b.className = "zc-btn" + (b === ev.target ? "" : " zc-secondary");
    });
    drawCharts();
  });

  draw();
  poll();
  startEvents();
  drawCharts();
  setInterval(drawCharts, 10000);
})();
