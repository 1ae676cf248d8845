/*
 * Webview glue for the status panel: receives {type: "state", snapshot, connection} from the
 * extension, renders with ZcStatusRender, and posts button clicks back ({type: action, id}).
 * Anything it does not understand is ignored; the last good snapshot stays on screen.
 */
(function () {
  "use strict";
  var vscode = acquireVsCodeApi();
  var root = document.getElementById("root");
  var saved = vscode.getState() || {};
  var snapshot = saved.snapshot || null;
  var connection = { state: "starting" };

  function draw() {
    try {
      ZcStatusRender.render(root, snapshot, connection);
    } catch (e) {
      root.textContent = "ZombieCoder status could not be shown: " + (e && e.message);
    }
  }

  ZcStatusRender.attach(root, function (action, data) {
    vscode.postMessage({ type: action, id: data.id });
  });

  var player = document.getElementById("player");

  // zc.speak's audio: one player above the status, replaced by the next one.
  function play(src, label) {
    if (!player || typeof src !== "string") return;
    player.textContent = "";
    var caption = document.createElement("div");
    caption.className = "zc-muted";
    caption.textContent = typeof label === "string" ? label : "ZombieCoder speech";
    var audio = document.createElement("audio");
    audio.controls = true;
    audio.autoplay = true;
    audio.src = src;
    player.appendChild(caption);
    player.appendChild(audio);
    player.hidden = false;
  }

  window.addEventListener("message", function (event) {
    var msg = event.data;
    if (msg && typeof msg === "object" && msg.type === "play") {
      play(msg.src, msg.label);
      return;
    }
    if (!msg || typeof msg !== "object" || msg.type !== "state") return;
    if (msg.snapshot && typeof msg.snapshot === "object" && !Array.isArray(msg.snapshot)) {
      snapshot = msg.snapshot;
      vscode.setState({ snapshot: snapshot });
    }
    if (msg.connection && typeof msg.connection === "object" && typeof msg.connection.state === "string") {
      connection = msg.connection;
    }
    draw();
  });

  draw();
  vscode.postMessage({ type: "ready" });
})();
