/**
 * The language client for `<python> -m zc_lsp` (stdio): start, restart, crash policy, settings.
 *
 * Crash policy mirrors vscode-languageclient's default (restart up to 4 times in 3 minutes) but is
 * our own so the panel can say "restarting" and then "stopped" with the server's last error line.
 */
import * as vscode from "vscode";
import {
  type CancellationToken,
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from "vscode-languageclient/node";
import { RestartPolicy } from "./restartPolicy";

/** Languages the server reviews besides Python (YAML, TOML, JSON, INI, dotenv, Jinja/Django templates). */
export const CONFIG_LANGUAGES = ["yaml", "toml", "json", "jsonc", "ini", "properties", "dotenv", "jinja", "jinja-html", "django-html"];
import { checkServer, type Interpreter, offerFix, pythonExtensionInterpreter, resolveInterpreter } from "./python";
import { API_KEYS, type JsonObject, SETTINGS, ADVANCED_KEY, scopedValue, serverEnvironment, toServerSettings } from "./settings";

export type ConnectionState = "starting" | "running" | "restarting" | "stopped";
export interface Connection {
  state: ConnectionState;
  error?: string;
}


/** Output channel that remembers the last lines, so "stopped" can show the server's last error. */
function rememberingChannel(inner: vscode.OutputChannel, keep: string[]): vscode.OutputChannel {
  const remember = (text: string) => {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim()) keep.push(line.trim());
    }
    keep.splice(0, Math.max(0, keep.length - 20));
  };
  return {
    name: inner.name,
    append: (v: string) => { remember(v); inner.append(v); },
    appendLine: (v: string) => { remember(v); inner.appendLine(v); },
    replace: (v: string) => inner.replace(v),
    clear: () => inner.clear(),
    show: (preserveFocus?: boolean) => inner.show(preserveFocus),
    hide: () => inner.hide(),
    dispose: () => inner.dispose(),
  } as vscode.OutputChannel;
}

/**
 * The settings the user set, keyed without the `zombiecoder.` prefix. User-only keys come from the
 * user's settings alone (a workspace's `.vscode/settings.json` cannot allow the cloud or name an
 * endpoint); `refused` gets what a workspace tried to set.
 */
export function explicitSettings(scope?: vscode.Uri, refused: string[] = []): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration("zombiecoder", scope);
  const out: Record<string, unknown> = {};
  for (const key of [...SETTINGS.map((s) => s.key), ADVANCED_KEY]) {
    const picked = scopedValue(key, cfg.inspect(key));
    refused.push(...picked.refused);
    if (picked.value !== undefined) out[key] = picked.value;
  }
  return out;
}

const warnedRefusals = new Set<string>();
let refusalLog: ((msg: string) => void) | undefined;

export function currentServerSettings(): JsonObject {
  const refused: string[] = [];
  const explicit = explicitSettings(vscode.workspace.workspaceFolders?.[0]?.uri, refused);
  for (const key of refused) {
    if (warnedRefusals.has(key)) continue;
    warnedRefusals.add(key);
    refusalLog?.(
      `workspace settings (.vscode/settings.json) cannot set zombiecoder.${key}: only your user settings can (it allows the cloud, weakens redaction or names an endpoint); ignored`,
    );
  }
  return toServerSettings(explicit, vscode.workspace.isTrusted);
}


export class ZcServer implements vscode.Disposable {
  client: LanguageClient | undefined;
  connection: Connection = { state: "stopped" };
  interpreter: Interpreter | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<Connection>();
  readonly onDidChangeConnection = this.stateEmitter.event;
  private readonly readyEmitter = new vscode.EventEmitter<LanguageClient>();
  /** Fires whenever the client is running again (first start and after each crash restart). */
  readonly onDidStart = this.readyEmitter.event;
  /** Called with each new client before it starts: the place to register notification handlers once. */
  onClientCreated: ((client: LanguageClient) => void) | undefined;
  private readonly lastLines: string[] = [];
  private readonly channel: vscode.OutputChannel;
  private readonly restarts = new RestartPolicy();
  private disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    output: vscode.OutputChannel,
  ) {
    this.channel = rememberingChannel(output, this.lastLines);
    refusalLog = (msg) => this.log(msg);
  }

  log(msg: string): void {
    this.channel.appendLine(`[client] ${msg}`);
  }

  private setConnection(state: ConnectionState, error?: string): void {
    this.connection = { state, error };
    this.stateEmitter.fire(this.connection);
  }

  /** The server's last error line (stderr or the client's own [Error] lines), never trace noise. */
  private lastError(): string | undefined {
    const errors = this.lastLines.filter(
      (l) => /error|exception|traceback|failed|fatal/i.test(l) && !/^\[(Trace|Info|client)\b/.test(l) && !/^(Params|Result):/.test(l),
    );
    return errors[errors.length - 1];
  }

  async start(): Promise<boolean> {
    this.lastLines.length = 0; // errors of an earlier run must not be blamed on this one
    this.setConnection("starting");
    this.interpreter = await resolveInterpreter((m) => this.log(m));
    const folder = vscode.workspace.workspaceFolders?.[0];
    const secrets: Record<string, string | undefined> = {};
    for (const k of API_KEYS) secrets[k.secret] = await this.context.secrets.get(k.secret);
    const env = serverEnvironment(process.env, secrets);
    this.log(`python: ${this.interpreter.command} (from ${this.interpreter.source})`);
    const check = await checkServer(this.interpreter.command, folder?.uri.fsPath, env);
    if (!check.ok) {
      this.log(`cannot start the server: ${check.detail}`);
      this.setConnection("stopped", check.detail);
      void offerFix(this.interpreter, check, this.context.extensionPath, (m) => this.log(m)).then((r) => {
        if (r === "installed") void this.restart();
      });
      return false;
    }
    this.log(`zc_lsp ${check.version}`);
    const serverOptions: ServerOptions = {
      // transport left unset on purpose: TransportKind.stdio would append `--stdio` to the args
      command: this.interpreter.command,
      args: ["-m", "zc_lsp"],
      options: { cwd: folder?.uri.fsPath, env },
    };
    // The project's interpreter for tests and the doctor: the Python extension's choice for this folder,
    // even when the server itself runs on another Python (zombiecoder.server.python).
    const projectPython = await pythonExtensionInterpreter(folder?.uri, (m) => this.log(m));
    const initializationOptions: JsonObject = {
      ...currentServerSettings(),
      ...(projectPython ? { python: { interpreter: projectPython } } : {}),
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "untitled", language: "python" },
        // config files and templates: the server's config engine reviews them (diagnostics only)
        ...CONFIG_LANGUAGES.map((language) => ({ scheme: "file", language })),
        { scheme: "file", pattern: "**/.env*" },
      ],
      outputChannel: this.channel,
      initializationOptions,
      middleware: {
        // the setting gates the request client-side too: no round trip while completions are off
        provideInlineCompletionItems: (document, position, context, token, next) =>
          this.completionsEnabled() && document.languageId === "python" ? next(document, position, context, token) : null,
        workspace: {
          // answer workspace/configuration for our section with the mapped settings object
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) return answers;
            return params.items.map((item, i) => (item.section === "zombiecoder" ? currentServerSettings() : answers[i]));
          },
        },
      },
      errorHandler: {
        error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => this.onClosed(),
      },
    };
    const client = new LanguageClient("zombiecoder", "ZombieCoder", serverOptions, clientOptions);
    // vscode-languageclient 9 ships textDocument/inlineCompletion (LSP 3.18) as a proposed feature;
    // 10.x has it built in but needs VS Code 1.91, above the ^1.85 that Cursor needs.
    client.registerProposedFeatures();
    this.client = client;
    this.onClientCreated?.(client);
    this.disposables.push(
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) {
          this.setConnection("running");
          this.readyEmitter.fire(client);
        } else if (e.newState === State.Starting && this.connection.state !== "restarting") {
          this.setConnection("starting");
        } else if (e.newState === State.Stopped && this.connection.state === "running") {
          this.setConnection("stopped", this.lastError());
        }
      }),
    );
    try {
      await client.start();
      return true;
    } catch (err) {
      const detail = this.lastError() ?? String(err);
      this.log(`the server did not start: ${String(err)}`);
      this.setConnection("stopped", detail);
      void vscode.window.showErrorMessage(`ZombieCoder: the server did not start: ${detail}`, "Show Output").then((c) => {
        if (c) this.channel.show(true);
      });
      return false;
    }
  }

  private onClosed(): { action: CloseAction; message?: string; handled?: boolean } {
    const { restart, count } = this.restarts.crashed();
    const error = this.lastError();
    if (restart) {
      this.log(`server exited; restarting (${count}/${this.restarts.max})`);
      this.setConnection("restarting", error ?? "the server process exited");
      return { action: CloseAction.Restart, handled: true };
    }
    this.log("server crashed too often; not restarting");
    this.setConnection("stopped", error ?? "the server exited repeatedly");
    void vscode.window.showErrorMessage(
      `ZombieCoder: the server stopped after ${this.restarts.max} restarts in 3 minutes${error ? `: ${error}` : ""}.`,
      "Show Output",
      "Restart Server",
    ).then((c) => {
      if (c === "Show Output") this.channel.show(true);
      if (c === "Restart Server") void this.restart();
    });
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    if (client) {
      try {
        await client.stop(5000);
      } catch (err) {
        this.log(`stop: ${String(err)}`);
      }
    }
    this.setConnection("stopped");
  }

  /** Starts and restarts run one after another: a restart asked for during a start waits for it. */
  private lifecycle: Promise<unknown> = Promise.resolve();

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(fn);
    this.lifecycle = run.catch((err) => this.log(`start/restart failed: ${String(err)}`));
    return run;
  }

  /** The first start (activation), queued like restarts. */
  startQueued(): Promise<boolean> {
    return this.serial(() => this.start());
  }

  restart(): Promise<boolean> {
    return this.serial(async () => {
      this.restarts.reset();
      await this.stop();
      return this.start();
    });
  }

  /** Push current settings (and trust) to a running server. */
  async sendConfiguration(): Promise<void> {
    if (!this.client || this.connection.state !== "running") return;
    await this.client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { zombiecoder: currentServerSettings() },
    });
  }

  /**
   * `workspace/executeCommand` on the server; starts nothing, says clearly when it is not running.
   * A cancelled `token` sends `$/cancelRequest` for this request.
   */
  async execute<T = unknown>(command: string, args: unknown[] = [], token?: CancellationToken): Promise<T> {
    if (!this.client || this.connection.state !== "running") {
      throw new Error(`the ZombieCoder server is ${this.connection.state}${this.connection.error ? ` (${this.connection.error})` : ""}`);
    }
    const params = { command, arguments: args };
    return (await (token ? this.client.sendRequest(ExecuteCommandRequest.type, params, token) : this.client.sendRequest(ExecuteCommandRequest.type, params))) as T;
  }

  /** `zombiecoder.completion.enabled` (default on). */
  completionsEnabled(): boolean {
    return vscode.workspace.getConfiguration("zombiecoder").get<boolean>("completion.enabled", true);
  }

  showOutput(): void {
    this.channel.show(true);
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
    this.readyEmitter.dispose();
  }
}
