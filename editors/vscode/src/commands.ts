/**
 * Palette commands: each one sends `workspace/executeCommand` to the server with the current
 * document and selection, and shows the result in the way that suits it (message, markdown, etc.).
 */
import * as vscode from "vscode";
import type { ZcServer } from "./server";
import { API_KEYS } from "./settings";

interface Markdownish {
  markdown?: string;
  provider?: string;
  model?: string;
}
interface TestRun {
  passed?: number;
  failed?: number;
  errors?: number;
  skipped?: number;
  duration?: number;
  failures?: Array<{ test?: string; file?: string; line?: number; message?: string }>;
}

/** Open markdown beside the editor, rendered; an untitled document keeps nothing on disk. */
export async function showMarkdown(markdown: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: markdown });
  await vscode.commands.executeCommand("markdown.showPreview", doc.uri).then(undefined, async () => {
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  });
}

function provenance(r: Markdownish): string {
  return r.provider ? `\n\n---\n*answered by ${r.provider}${r.model ? `/${r.model}` : ""}*` : "";
}

function activeUri(): string | undefined {
  return vscode.window.activeTextEditor?.document.uri.toString();
}

function needEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) void vscode.window.showWarningMessage("ZombieCoder: open a Python file first.");
  return editor;
}

/** LSP range of the selection, or of the current line when nothing is selected. */
function selectionRange(editor: vscode.TextEditor): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const sel = editor.selection.isEmpty ? editor.document.lineAt(editor.selection.active.line).range : editor.selection;
  return {
    start: { line: sel.start.line, character: sel.start.character },
    end: { line: sel.end.line, character: sel.end.character },
  };
}

export function formatTestRun(r: TestRun): string {
  const parts = [`${r.passed ?? 0} passed`, `${r.failed ?? 0} failed`];
  if (r.errors) parts.push(`${r.errors} errors`);
  if (r.skipped) parts.push(`${r.skipped} skipped`);
  const time = typeof r.duration === "number" ? ` in ${r.duration.toFixed(1)}s` : "";
  return `Tests: ${parts.join(", ")}${time}`;
}

export function registerCommands(
  context: vscode.ExtensionContext,
  server: ZcServer,
  actions: {
    showPanel: () => Promise<void>;
    openReport: (id: number | string) => Promise<void>;
    lastSnapshot: () => unknown;
    openChat: () => Promise<void>;
    play: (audioPath: string, label: string) => Promise<boolean>;
  },
): void {
  const run = (id: string, fn: () => Promise<unknown>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async () => {
        try {
          await fn();
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          server.log(`${id} failed: ${msg}`);
          void vscode.window.showErrorMessage(`ZombieCoder: ${msg}`, "Show Output").then((c) => {
            if (c) server.showOutput();
          });
        }
      }),
    );
  const withProgress = <T>(title: string, fn: () => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `ZombieCoder: ${title}` }, fn);

  run("zombiecoder.reviewFile", async () => {
    const editor = needEditor();
    if (!editor) return;
    const r = await withProgress("reviewing", () => server.execute<{ findings?: number; provenance?: string }>("zc.review", [editor.document.uri.toString()]));
    void vscode.window.showInformationMessage(`ZombieCoder review: ${r?.findings ?? 0} findings${r?.provenance ? ` (${r.provenance})` : ""}.`);
  });
  run("zombiecoder.reviewWorkspace", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error("open a folder to review the workspace");
    const r = await withProgress("reviewing the workspace", () =>
      server.execute<{ findings?: number; files?: number; provenance?: string }>("zc.review", [folder.uri.toString(), { workspace: true }]),
    );
    void vscode.window.showInformationMessage(`ZombieCoder review: ${r?.findings ?? 0} findings in ${r?.files ?? 0} files.`);
  });
  run("zombiecoder.runTests", async () => {
    const uri = activeUri() ?? vscode.workspace.workspaceFolders?.[0]?.uri.toString();
    if (!uri) throw new Error("open a file or folder to run its tests");
    const r = await withProgress("running tests", () => server.execute<TestRun>("zc.runTests", [uri]));
    const summary = formatTestRun(r ?? {});
    const failures = r?.failures ?? [];
    if (failures.length) {
      const choice = await vscode.window.showWarningMessage(`ZombieCoder ${summary}`, "Show Failures");
      if (choice) {
        const md = failures.map((f) => `### ${f.test ?? "?"}\n\`${f.file ?? ""}:${f.line ?? ""}\`\n\n\`\`\`\n${f.message ?? ""}\n\`\`\``).join("\n\n");
        await showMarkdown(`# ${summary}\n\n${md}`);
      }
    } else {
      void vscode.window.showInformationMessage(`ZombieCoder ${summary}`);
    }
  });
  run("zombiecoder.generateTests", async () => {
    const editor = needEditor();
    if (!editor) return;
    const r = await withProgress("generating tests", () => server.execute<unknown>("zc.generateTests", [editor.document.uri.toString(), editor.selection.active.line]));
    const text = typeof r === "object" && r !== null && "summary" in r ? String((r as { summary: unknown }).summary) : JSON.stringify(r);
    void vscode.window.showInformationMessage(`ZombieCoder generate tests: ${text}`);
  });
  run("zombiecoder.explainSelection", async () => {
    const editor = needEditor();
    if (!editor) return;
    const r = await withProgress("explaining", () => server.execute<Markdownish>("zc.explain", [editor.document.uri.toString(), selectionRange(editor)]));
    await showMarkdown((r?.markdown ?? "(no explanation)") + provenance(r ?? {}));
  });
  run("zombiecoder.chat", async () => {
    await actions.openChat();
  });
  run("zombiecoder.speak", async () => {
    const editor = needEditor();
    if (!editor) return;
    const r = await withProgress("speaking", () =>
      server.execute<{ audio_path?: string; engine?: string }>("zc.speak", [editor.document.uri.toString(), selectionRange(editor)]),
    );
    if (!r?.audio_path) throw new Error("no audio was produced");
    if (await actions.play(r.audio_path, `spoken with ${r.engine ?? "?"}`)) return;
    const choice = await vscode.window.showInformationMessage(`ZombieCoder spoke with ${r.engine ?? "?"}: ${r.audio_path}`, "Reveal");
    if (choice) await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(r.audio_path));
  });
  run("zombiecoder.showStatus", async () => {
    await actions.showPanel();
  });
  run("zombiecoder.doctor", async () => {
    const r = await withProgress("checking", () => server.execute<{ ok?: boolean; checks?: Array<{ name?: string; ok?: boolean; detail?: string; hint?: string }> }>("zc.doctor"));
    const rows = (r?.checks ?? []).map((c) => `| ${c.ok ? "✅" : "❌"} | ${c.name ?? ""} | ${(c.detail ?? "").replace(/\|/g, "\\|")} | ${(c.hint ?? "").replace(/\|/g, "\\|")} |`);
    await showMarkdown(`# ZombieCoder doctor: ${r?.ok ? "all good" : "problems found"}\n\n| | check | detail | hint |\n|---|---|---|---|\n${rows.join("\n")}\n`);
  });
  run("zombiecoder.ackAlert", async () => {
    const snap = (actions.lastSnapshot() ?? (await server.execute("zc.status"))) as { alerts?: { open?: Array<{ id: number; rule?: string; message?: string; severity?: string }> } };
    const open = Array.isArray(snap?.alerts?.open) ? snap.alerts.open : [];
    if (!open.length) {
      void vscode.window.showInformationMessage("ZombieCoder: no open alerts.");
      return;
    }
    const pick = await vscode.window.showQuickPick(
      open.map((a) => ({ label: `${a.severity ?? "alert"}: ${a.rule ?? ""}`, detail: a.message, id: a.id })),
      { placeHolder: "Acknowledge which alert?" },
    );
    if (!pick) return;
    await server.execute("zc.ackAlert", [pick.id]);
  });
  run("zombiecoder.restartServer", async () => {
    await server.restart();
  });
  run("zombiecoder.showOutput", async () => {
    server.showOutput();
  });
  run("zombiecoder.setApiKey", async () => {
    const pick = await vscode.window.showQuickPick(
      API_KEYS.map((k) => ({ label: k.label, description: k.env, key: k })),
      { placeHolder: "Store an API key for which provider? (kept in VS Code's secret storage)" },
    );
    if (!pick) return;
    const value = await vscode.window.showInputBox({ prompt: `${pick.key.label} API key (empty to remove)`, password: true, ignoreFocusOut: true });
    if (value === undefined) return;
    if (value) await context.secrets.store(pick.key.secret, value.trim());
    else await context.secrets.delete(pick.key.secret);
    const allow = vscode.workspace.getConfiguration("zombiecoder").get<boolean>("privacy.allowCloud", false);
    void vscode.window.showInformationMessage(
      `ZombieCoder: ${pick.key.label} key ${value ? "stored" : "removed"}; restarting the server.${value && !allow ? " Cloud providers also need zombiecoder.privacy.allowCloud." : ""}`,
    );
    await server.restart();
  });
  context.subscriptions.push(
    vscode.commands.registerCommand("zombiecoder.openReport", (id: number | string) => actions.openReport(id)),
  );
}
