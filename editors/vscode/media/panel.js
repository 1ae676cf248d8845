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

  window.addEventListener("message", function (event) {
    var msg = event.data;
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
