/**
 * Activation: starts the server, wires the panel, status bar and commands to it, and keeps the
 * server's settings (and Workspace Trust) in step with the editor's.
 */
import * as vscode from "vscode";
import { ChatPanel } from "./chatPanel";
import { registerCommands, showMarkdown } from "./commands";
import { COMPLETION_SETTING, flip, toggleLook } from "./completionToggle";
import { StatusPanel } from "./panel";
import { resolveInterpreter, watchPythonInterpreter } from "./python";
import { explicitSettings, ZcServer } from "./server";
import { needsRestart, SETTINGS } from "./settings";

interface Report {
  id: number | string;
  title?: string;
  agent?: string;
  markdown?: string;
}

let server: ZcServer | undefined;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("ZombieCoder");
  const zc = new ZcServer(context, output);
  server = zc;
  const reports = new Map<string, Report>();

  const statusItem = vscode.window.createStatusBarItem("zombiecoder.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "ZombieCoder";
  statusItem.command = "zombiecoder.showStatus";
  statusItem.text = "$(loading~spin) ZombieCoder";
  statusItem.show();

  let lastProvenance = "";
  let openAlerts = 0;
  const paintStatusBar = () => {
    const state = zc.connection.state;
    if (state !== "running") {
      statusItem.text = state === "stopped" ? "$(error) ZombieCoder stopped" : `$(loading~spin) ZombieCoder ${state}`;
      statusItem.tooltip = zc.connection.error ? `Last error: ${zc.connection.error}` : "ZombieCoder server";
      statusItem.backgroundColor = state === "stopped" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
      return;
    }
    statusItem.text = `$(hubot) ${lastProvenance || "ZombieCoder"}${openAlerts ? ` $(warning) ${openAlerts}` : ""}`;
    statusItem.tooltip = `ZombieCoder: last answer from ${lastProvenance || "(none yet)"}; ${openAlerts} open alert${openAlerts === 1 ? "" : "s"}. Click for status.`;
    statusItem.backgroundColor = openAlerts ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  };

  const openReport = async (id: number | string) => {
    const report = reports.get(String(id));
    if (!report?.markdown) {
      void vscode.window.showInformationMessage(`ZombieCoder: report ${id} was written before this session; it is in the server's task database.`);
      return;
    }
    await showMarkdown(report.markdown);
  };

  const panel = new StatusPanel(context.extensionUri, (action, id) => {
    if (action === "restart") {
      void zc.restart();
      return;
    }
    if (action === "openReport" && id !== null) {
      void openReport(id);
      return;
    }
    if ((action === "ackAlert" || action === "resolveAlert") && id !== null) {
      const command = action === "ackAlert" ? "zc.ackAlert" : "zc.resolveAlert";
      zc.execute(command, [id]).then(
        () => zc.execute("zc.status").then((s) => onSnapshot(s)),
        (err) => void vscode.window.showErrorMessage(`ZombieCoder: ${command} failed: ${String(err?.message ?? err)}`),
      );
    }
  });

  const onSnapshot = (snapshot: unknown) => {
    if (!isObject(snapshot)) return;
    panel.update(snapshot);
    if (typeof snapshot.last_provenance === "string") lastProvenance = snapshot.last_provenance;
    const alerts = snapshot.alerts;
    openAlerts = isObject(alerts) && Array.isArray(alerts.open) ? alerts.open.length : 0;
    paintStatusBar();
  };

  const chat = new ChatPanel(context, zc);

  // Inline completions on/off: a status-bar toggle over zombiecoder.completion.enabled.
  const completionItem = vscode.window.createStatusBarItem("zombiecoder.completions", vscode.StatusBarAlignment.Right, 99);
  completionItem.name = "ZombieCoder completions";
  completionItem.command = "zombiecoder.toggleCompletions";
  const paintCompletions = () => {
    const look = toggleLook(zc.completionsEnabled(), zc.connection.state === "running");
    completionItem.text = look.text;
    completionItem.tooltip = look.tooltip;
    completionItem.accessibilityInformation = { label: look.ariaLabel, role: "button" };
  };
  paintCompletions();
  completionItem.show();

  zc.onClientCreated = (client) => {
    client.onNotification("zc/chatDelta", (delta: unknown) => chat.onDelta(delta));
    client.onNotification("zc/status", (snapshot: unknown) => onSnapshot(snapshot));
    client.onNotification("zc/report", (report: unknown) => {
      if (!isObject(report) || (typeof report.id !== "number" && typeof report.id !== "string")) return;
      reports.set(String(report.id), report as unknown as Report);
    });
  };

  context.subscriptions.push(
    output,
    statusItem,
    zc,
    panel,
    vscode.window.registerWebviewViewProvider(StatusPanel.viewType, panel),
    completionItem,
    chat,
    vscode.window.registerWebviewViewProvider(ChatPanel.viewType, chat),
    vscode.commands.registerCommand("zombiecoder.toggleCompletions", async () => {
      const cfg = vscode.workspace.getConfiguration("zombiecoder");
      const { value, target } = flip(cfg.inspect<boolean>(COMPLETION_SETTING) ?? {});
      const targets = { global: vscode.ConfigurationTarget.Global, workspace: vscode.ConfigurationTarget.Workspace, workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder };
      zc.log(`inline completions ${value ? "on" : "off"} (${target} settings)`);
      await cfg.update(COMPLETION_SETTING, value, targets[target]);
    }),
    vscode.commands.registerCommand("zombiecoder.newChat", () => chat.newChat()),
    zc.onDidChangeConnection((c) => {
      panel.setConnection(c);
      paintStatusBar();
      paintCompletions();
    }),
    zc.onDidStart(() => {
      zc.execute("zc.status").then(onSnapshot, (err) => zc.log(`zc.status: ${String(err?.message ?? err)}`));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("zombiecoder")) return;
      if (e.affectsConfiguration(`zombiecoder.${COMPLETION_SETTING}`)) paintCompletions();
      const changed = [...SETTINGS.map((s) => s.key), "server.settings"].filter((k) => e.affectsConfiguration(`zombiecoder.${k}`));
      if (needsRestart(changed)) {
        void zc.restart();
      } else {
        zc.log(`settings changed: ${changed.join(", ") || "(trace)"}; now ${JSON.stringify(explicitSettings())}`);
        void zc.sendConfiguration();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      zc.log("workspace trusted; telling the server");
      void zc.sendConfiguration();
    }),
  );

  registerCommands(context, zc, {
    showPanel: async () => {
      await vscode.commands.executeCommand("zombiecoder.status.focus");
      if (zc.connection.state === "running") onSnapshot(await zc.execute("zc.status"));
    },
    openReport,
    lastSnapshot: () => panel.lastSnapshot,
    openChat: () => chat.focus(),
    play: async (audioPath: string, label: string) => {
      await vscode.commands.executeCommand("zombiecoder.status.focus");
      return panel.play(audioPath, label);
    },
  });

  // Issue 17: a new interpreter chosen in the Python extension restarts the server when it is the
  // one we use (an explicit zombiecoder.server.python wins, so then nothing changes).
  void watchPythonInterpreter(async () => {
    const next = await resolveInterpreter((m) => zc.log(m));
    if (next.command === zc.interpreter?.command) return;
    zc.log(`the Python interpreter changed to ${next.command} (${next.source}); restarting the server`);
    await zc.restart();
  }, (m) => zc.log(m)).then((d) => {
    if (d) context.subscriptions.push(d);
  });

  if (!vscode.workspace.isTrusted) {
    zc.log("untrusted workspace: the server will not run tests or apply fixes until it is trusted");
  }
  void zc.startQueued(); // not awaited: activation must not wait for the Python check
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}
