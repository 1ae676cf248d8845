/**
 * The chat panel: a WebviewView beside the status panel that talks to the server through the
 * `zc.chat*` commands and `zc/chatDelta` notifications (docs/contracts.md), so any editor can build
 * the same on them.
 *
 * The transcript lives here (the webview is only a view of it and may be disposed whenever the
 * panel is hidden); the webview renders Markdown itself (dist/chat.js: markdown-it + highlight.js,
 * raw HTML off) and posts clicks back.
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  applyTextEdits,
  buildChatArgs,
  editsForUri,
  type LspRange,
  parseChatReply,
  parseDelta,
  parseHistory,
  parseMessage,
} from "./chatProtocol";
import type { ZcServer } from "./server";

type TurnState = "done" | "streaming" | "stopped" | "error";

export interface Turn {
  id: string;
  role: "user" | "assistant";
  markdown: string;
  provider?: string;
  model?: string;
  notes?: string[];
  state: TurnState;
  /** what the question was asked about; "Apply as edit" targets this file and range */
  context?: { uri: string; range?: LspRange; label: string };
  files?: Array<{ uri: string; label: string }>;
}

const CONVERSATION_KEY = "zombiecoder.chat.conversation";
const PROPOSED_SCHEME = "zombiecoder-proposed";
/** JSON-RPC RequestCancelled: the server answered the cancelled request with an error instead of a partial reply. */
const REQUEST_CANCELLED = -32800;

function toLspRange(sel: vscode.Range): LspRange {
  return { start: { line: sel.start.line, character: sel.start.character }, end: { line: sel.end.line, character: sel.end.character } };
}

/** Read-only virtual documents holding the proposed text for the diff view. */
class ProposedContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private seq = 0;

  put(original: vscode.Uri, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: original.path, query: String(++this.seq) });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  drop(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export class ChatPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = "zombiecoder.chat";
  private view: vscode.WebviewView | undefined;
  private turns: Turn[] = [];
  private files: Array<{ uri: string; label: string }> = [];
  private busy: { stream: string; turn: Turn; cts: vscode.CancellationTokenSource } | undefined;
  private historyLoaded = false;
  private focusOnReady = false;
  private lastEditor: vscode.TextEditor | undefined;
  private readonly proposed = new ProposedContent();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly server: ZcServer,
  ) {
    this.lastEditor = this.usableEditor(vscode.window.activeTextEditor);
    this.subscriptions.push(
      this.proposed,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this.proposed),
      // the webview takes focus while typing; remember the editor the question is about
      vscode.window.onDidChangeActiveTextEditor((e) => {
        const usable = this.usableEditor(e);
        if (usable) this.lastEditor = usable;
        this.postContext();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.lastEditor) this.postContext();
      }),
      server.onDidStart(() => {
        if (!this.historyLoaded) void this.loadHistory();
      }),
    );
  }

  private usableEditor(e: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
    return e && (e.document.uri.scheme === "file" || e.document.uri.scheme === "untitled") ? e : undefined;
  }

  private get conversation(): string | undefined {
    return this.context.workspaceState.get<string>(CONVERSATION_KEY);
  }

  private async setConversation(id: string | undefined): Promise<void> {
    if (id && id !== this.conversation) await this.context.workspaceState.update(CONVERSATION_KEY, id);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const roots = [vscode.Uri.joinPath(this.context.extensionUri, "media"), vscode.Uri.joinPath(this.context.extensionUri, "dist")];
    view.webview.options = { enableScripts: true, localResourceRoots: roots };
    view.webview.html = this.html(view.webview);
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((msg: unknown) => {
        this.receive(msg).catch((err) => this.fail("chat panel", err));
      }),
      view.onDidDispose(() => {
        this.view = undefined;
      }),
    );
  }

  /** Focus the panel's input (the palette's Chat command). */
  async focus(): Promise<void> {
    this.focusOnReady = !this.view; // a view being created gets the focus once its script says "ready"
    await vscode.commands.executeCommand(`${ChatPanel.viewType}.focus`);
    this.post({ type: "focusInput" });
  }

  private post(msg: Record<string, unknown>): void {
    if (this.view) void this.view.webview.postMessage(msg);
  }

  private contextInfo(): Turn["context"] {
    const editor = this.lastEditor;
    if (!editor || editor.document.isClosed) return undefined;
    const name = path.basename(editor.document.uri.path) || editor.document.uri.toString();
    const sel = editor.selection;
    if (sel.isEmpty) return { uri: editor.document.uri.toString(), label: name };
    const last = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
    return { uri: editor.document.uri.toString(), range: toLspRange(sel), label: `${name}:${sel.start.line + 1}-${last}` };
  }

  private postContext(): void {
    this.post({ type: "context", context: this.contextInfo() ?? null, files: this.files });
  }

  private postAll(): void {
    this.post({ type: "reset", turns: this.turns, busy: !!this.busy, context: this.contextInfo() ?? null, files: this.files });
  }

  private async receive(msg: unknown): Promise<void> {
    if (typeof msg !== "object" || msg === null) return;
    const m = msg as Record<string, unknown>;
    switch (m.type) {
      case "ready":
        this.postAll();
        if (this.focusOnReady) {
          this.focusOnReady = false;
          this.post({ type: "focusInput" });
        }
        if (!this.historyLoaded && this.server.connection.state === "running") await this.loadHistory();
        return;
      case "send":
        if (typeof m.text === "string") await this.send(m.text);
        return;
      case "stop":
        this.stop();
        return;
      case "newChat":
        await this.newChat();
        return;
      case "pickFile":
        await this.pickFile();
        return;
      case "removeFile":
        this.files = this.files.filter((f) => f.uri !== m.uri);
        this.postContext();
        return;
      case "copy":
        if (typeof m.code === "string") {
          await vscode.env.clipboard.writeText(m.code);
          void vscode.window.setStatusBarMessage("ZombieCoder: code copied", 3000);
        }
        return;
      case "apply":
        if (typeof m.code === "string" && typeof m.turn === "string") {
          await this.apply(m.turn, m.code).catch((err) => this.fail("Apply as edit", err));
        }
        return;
      case "insert":
        if (typeof m.code === "string") await this.insert(m.code).catch((err) => this.fail("Insert at cursor", err));
        return;
      case "openLink":
        if (typeof m.href === "string" && /^(https?:|mailto:)/i.test(m.href)) await vscode.env.openExternal(vscode.Uri.parse(m.href));
        return;
      default:
        this.server.log(`chat panel: unknown message ${JSON.stringify(m.type)}`);
    }
  }

  private fail(what: string, err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    this.server.log(`${what} failed: ${msg}`);
    void vscode.window.showErrorMessage(`ZombieCoder: ${what} failed: ${msg}`, "Show Output").then((c) => {
      if (c) this.server.showOutput();
    });
  }

  /** The server's `zc/chatDelta`: append to the answer that is streaming, if it is ours. */
  onDelta(raw: unknown): void {
    const delta = parseDelta(raw);
    if (!delta || !this.busy || delta.stream !== this.busy.stream) return;
    this.busy.turn.markdown += delta.text;
    this.post({ type: "delta", id: this.busy.turn.id, text: delta.text });
  }

  async loadHistory(): Promise<void> {
    if (this.busy) return;
    try {
      const raw = await this.server.execute("zc.chat.history", [this.conversation ? { conversation: this.conversation } : {}]);
      const history = parseHistory(raw);
      this.historyLoaded = true;
      await this.setConversation(history.conversation);
      if (this.turns.length) return; // a question asked meanwhile is newer than the stored history
      this.turns = history.messages.map((h) => ({
        id: crypto.randomUUID(),
        role: h.role,
        markdown: h.markdown,
        provider: h.provider,
        model: h.model,
        state: "done" as const,
      }));
      this.postAll();
    } catch (err) {
      this.server.log(`zc.chat.history failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async send(text: string): Promise<void> {
    const message = text.trim();
    if (!message || this.busy) return;
    const parsed = parseMessage(message);
    if (parsed.command === "/clear") {
      await this.newChat();
      return;
    }
    const context = this.contextInfo();
    const files = [...this.files];
    const question: Turn = { id: crypto.randomUUID(), role: "user", markdown: message, state: "done", context, files };
    const answer: Turn = { id: crypto.randomUUID(), role: "assistant", markdown: "", state: "streaming", context };
    this.turns.push(question, answer);
    const stream = crypto.randomUUID();
    const cts = new vscode.CancellationTokenSource();
    this.busy = { stream, turn: answer, cts };
    this.post({ type: "turn", turn: question });
    this.post({ type: "turn", turn: answer });
    this.post({ type: "busy", busy: true });
    this.files = [];
    this.postContext();
    const args = buildChatArgs({
      message,
      stream,
      uri: context?.uri,
      range: context?.range,
      files: files.map((f) => f.uri),
      conversation: this.conversation,
    });
    try {
      const reply = parseChatReply(await this.server.execute("zc.chat", [args], cts.token));
      await this.setConversation(reply.conversation);
      // the reply's markdown is the whole answer; deltas were only a preview of it
      if (reply.markdown || !reply.cancelled) answer.markdown = reply.markdown;
      answer.provider = reply.provider || undefined;
      answer.model = reply.model || undefined;
      answer.notes = reply.ok || !reply.error || reply.notes.includes(reply.error) ? reply.notes : [...reply.notes, reply.error];
      answer.state = reply.cancelled ? "stopped" : reply.ok ? "done" : "error";
      if (!reply.ok) this.server.log(`zc.chat answered with an error: ${reply.error || "(no reason given)"}`);
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      if (cts.token.isCancellationRequested && code === REQUEST_CANCELLED) {
        answer.state = "stopped"; // keep what streamed so far
      } else {
        const msg = err instanceof Error ? err.message : String(err);
        this.server.log(`zc.chat failed: ${msg}`);
        answer.state = "error";
        answer.notes = [msg];
      }
    } finally {
      cts.dispose();
      this.busy = undefined;
      this.post({ type: "turn", turn: answer });
      this.post({ type: "busy", busy: false });
    }
  }

  /** Stop: cancel the request ($/cancelRequest); the server ends the model call and replies with the partial answer. */
  stop(): void {
    if (!this.busy) return;
    this.server.log(`chat: stop requested (stream ${this.busy.stream})`);
    this.busy.cts.cancel();
  }

  async newChat(): Promise<void> {
    this.stop();
    try {
      const raw = await this.server.execute<{ ok?: boolean; conversation?: string }>("zc.chat.clear", [
        this.conversation ? { conversation: this.conversation } : {},
      ]);
      const next = typeof raw?.conversation === "string" && raw.conversation ? raw.conversation : undefined;
      await this.context.workspaceState.update(CONVERSATION_KEY, next);
    } catch (err) {
      this.fail("new chat", err);
      return;
    }
    this.turns = [];
    this.files = [];
    this.historyLoaded = true;
    this.postAll();
  }

  private async pickFile(): Promise<void> {
    const found = await vscode.workspace.findFiles("**/*", "{**/node_modules/**,**/.git/**,**/.venv/**,**/__pycache__/**}", 5000);
    const items = found
      .map((uri) => ({ label: path.basename(uri.path), description: vscode.workspace.asRelativePath(uri, false), uri }))
      .sort((a, b) => a.description.localeCompare(b.description));
    const pick = await vscode.window.showQuickPick(items, { placeHolder: "Add a file to the question (@file)", matchOnDescription: true });
    if (!pick) {
      this.post({ type: "focusInput" });
      return;
    }
    const uri = pick.uri.toString();
    if (!this.files.some((f) => f.uri === uri)) this.files.push({ uri, label: pick.description });
    this.postContext();
    this.post({ type: "mentioned", label: pick.label });
  }

  private async targetEditor(): Promise<vscode.TextEditor> {
    const editor = this.lastEditor;
    if (!editor || editor.document.isClosed) throw new Error("open the file to insert into first");
    return vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }

  private async insert(code: string): Promise<void> {
    const editor = await this.targetEditor();
    const ok = await editor.edit((b) => b.replace(editor.selection, code));
    if (!ok) throw new Error("the editor refused the insert");
  }

  /**
   * "Apply as edit": the server previews the change (through its edit guard), we show it as a
   * diff, and only on confirmation ask the server to apply it (it sends workspace/applyEdit).
   */
  private async apply(turnId: string, code: string): Promise<void> {
    const turn = this.turns.find((t) => t.id === turnId);
    const uriText = turn?.context?.uri ?? this.lastEditor?.document.uri.toString();
    if (!uriText) throw new Error("ask with a file open, or open the file to apply the code to");
    const uri = vscode.Uri.parse(uriText);
    const doc = await vscode.workspace.openTextDocument(uri);
    const base = { uri: uriText, code, ...(turn?.context?.range ? { range: turn.context.range } : {}) };
    const preview = (await this.server.execute<{ diff?: unknown; edit?: unknown }>("zc.chat.applyBlock", [
      { ...base, version: doc.version, preview: true },
    ])) ?? {};
    const name = path.basename(uri.path);
    const edits = editsForUri(preview.edit, uriText);
    let shown: vscode.Uri | undefined;
    if (edits) {
      shown = this.proposed.put(uri, applyTextEdits(doc.getText(), edits));
      await vscode.commands.executeCommand("vscode.diff", uri, shown, `${name} ↔ ZombieCoder's proposal`, { preview: true });
    } else if (typeof preview.diff === "string" && preview.diff) {
      const diffDoc = await vscode.workspace.openTextDocument({ language: "diff", content: preview.diff });
      await vscode.window.showTextDocument(diffDoc, { preview: true });
    } else {
      throw new Error("the server proposed no change for this block");
    }
    const choice = await vscode.window.showInformationMessage(
      `Apply ZombieCoder's edit to ${name}?`,
      { modal: true, detail: "The change shown in the diff is applied through the server's edit guard." },
      "Apply",
    );
    try {
      if (choice !== "Apply") return;
      const fresh = await vscode.workspace.openTextDocument(uri);
      const result = (await this.server.execute<{ applied?: boolean; reason?: string }>("zc.chat.applyBlock", [
        { ...base, version: fresh.version, preview: false },
      ])) ?? {};
      if (result.applied) {
        void vscode.window.setStatusBarMessage(`ZombieCoder: edit applied to ${name}`, 5000);
      } else {
        this.server.log(`applyBlock refused: ${result.reason ?? "(no reason given)"}`);
        void vscode.window.showWarningMessage(`ZombieCoder: the edit was not applied: ${result.reason ?? "the server refused it"}.`);
      }
    } finally {
      if (shown) await this.closeDiff(shown);
    }
  }

  private async closeDiff(proposed: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(
      (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === proposed.toString(),
    );
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    this.proposed.drop(proposed);
  }

  private html(webview: vscode.Webview): string {
    const nonce = crypto.randomBytes(16).toString("base64");
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, ...p)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset("media", "chat.css")}">
<title>ZombieCoder chat</title>
</head>
<body>
<div class="zc-chat">
  <div id="log" class="zc-log" role="log" aria-live="polite" aria-label="Conversation"></div>
  <div class="zc-compose">
    <div id="context" class="zc-context" aria-live="polite"></div>
    <ul id="suggest" class="zc-suggest" role="listbox" aria-label="Slash commands" hidden></ul>
    <textarea id="input" class="zc-input" rows="3" role="combobox" aria-autocomplete="list" aria-controls="suggest" aria-expanded="false" aria-label="Ask ZombieCoder (Enter sends, Shift+Enter new line, / for commands, @ adds a file)" placeholder="Ask about the selection or file… (/ commands, @ file)"></textarea>
    <div class="zc-row">
      <button type="button" id="mention" class="zc-btn zc-secondary" aria-label="Add a file to the question">@ file</button>
      <button type="button" id="newchat" class="zc-btn zc-secondary" aria-label="Start a new chat">New chat</button>
      <span class="zc-spacer"></span>
      <button type="button" id="stop" class="zc-btn zc-secondary" aria-label="Stop the answer (Escape)" hidden>Stop</button>
      <button type="button" id="send" class="zc-btn" aria-label="Send (Enter)">Send</button>
    </div>
  </div>
</div>
<script nonce="${nonce}" src="${asset("dist", "chat.js")}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.busy?.cts.cancel();
    for (const d of this.subscriptions) d.dispose();
  }
}
