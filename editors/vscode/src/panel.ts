/**
 * The status side panel: a WebviewView fed from `zc/status` snapshots and the connection state.
 *
 * The rendering lives in media/status-render.js (shared with the web dashboard); this file only
 * builds the HTML shell with a strict Content-Security-Policy and relays messages both ways.
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import type { Connection } from "./server";

export type PanelAction = "ackAlert" | "resolveAlert" | "openReport" | "restart";

export class StatusPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = "zombiecoder.status";
  private view: vscode.WebviewView | undefined;
  private snapshot: unknown = null;
  private connection: Connection = { state: "starting" };
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onAction: (action: PanelAction, id: number | string | null) => void,
  ) {}

  private audioRoots: vscode.Uri[] = [];
  private pendingPlay: { type: "play"; src: string; label: string } | undefined;

  /** Make a folder readable by the webview. Changing the roots reloads the webview, so it is done
   *  as early as possible (from the snapshot's memory path), not when a file is about to play. */
  private allowFolder(folder: vscode.Uri): boolean {
    if (this.audioRoots.some((root) => root.fsPath === folder.fsPath)) return false;
    this.audioRoots.push(folder);
    if (this.view) {
      const media = vscode.Uri.joinPath(this.extensionUri, "media");
      this.view.webview.options = { enableScripts: true, localResourceRoots: [media, ...this.audioRoots] };
    }
    return true;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, "media");
    view.webview.options = { enableScripts: true, localResourceRoots: [media, ...this.audioRoots] };
    view.webview.html = this.html(view.webview, media);
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((msg: unknown) => this.receive(msg)),
      view.onDidDispose(() => {
        this.view = undefined;
      }),
    );
  }

  private receive(msg: unknown): void {
    if (typeof msg !== "object" || msg === null) return;
    const { type, id } = msg as { type?: unknown; id?: unknown };
    if (type === "ready") {
      this.post();
      if (this.pendingPlay && this.view) {
        void this.view.webview.postMessage(this.pendingPlay);
        this.pendingPlay = undefined;
      }
      return;
    }
    if (type === "ackAlert" || type === "resolveAlert" || type === "openReport" || type === "restart") {
      this.onAction(type, typeof id === "number" || typeof id === "string" ? id : null);
    }
  }

  /** A new snapshot; anything that is not an object is ignored (the view keeps the last good one). */
  update(snapshot: unknown): void {
    if (typeof snapshot !== "object" || snapshot === null || Array.isArray(snapshot)) return;
    this.snapshot = snapshot;
    const memoryPath = (snapshot as { memory?: { path?: unknown } }).memory?.path;
    if (typeof memoryPath === "string" && memoryPath) this.allowFolder(vscode.Uri.file(path.join(memoryPath, "audio")));
    this.post();
  }

  setConnection(connection: Connection): void {
    this.connection = connection;
    this.post();
  }

  /** Play an audio file the server wrote (zc.speak); only its own folder becomes readable. */
  play(audioPath: string, label: string): boolean {
    if (!this.view) return false;
    const src = this.view.webview.asWebviewUri(vscode.Uri.file(audioPath)).toString();
    const message = { type: "play" as const, src, label };
    if (this.allowFolder(vscode.Uri.file(path.dirname(audioPath)))) {
      this.pendingPlay = message; // the webview reloads for the new root; it plays once it says "ready"
    } else {
      void this.view.webview.postMessage(message);
    }
    return true;
  }

  get lastSnapshot(): unknown {
    return this.snapshot;
  }

  private post(): void {
    if (!this.view) return;
    void this.view.webview.postMessage({ type: "state", snapshot: this.snapshot, connection: this.connection });
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = crypto.randomBytes(16).toString("base64");
    const uri = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `media-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri("panel.css")}">
<title>ZombieCoder status</title>
</head>
<body>
<div id="player" class="zc-player" hidden></div>
<div id="root" class="zc-root"><div class="zc-muted">starting…</div></div>
<script nonce="${nonce}" src="${uri("status-render.js")}"></script>
<script nonce="${nonce}" src="${uri("panel.js")}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
