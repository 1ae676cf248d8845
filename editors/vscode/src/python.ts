/**
 * Which Python runs the server, and whether it has the `zc_lsp` package.
 *
 * Order: `zombiecoder.server.python`, then the Python extension's selected interpreter (optional:
 * used only when ms-python.python is installed), then `python3`. The check runs
 * `<python> -c "import zc_lsp"` once per start so a missing package gets one actionable message
 * instead of a language client that crashes five times.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { type InstallPlan, installPlan, pickWheel } from "./install";

export interface Interpreter {
  command: string;
  /** where the choice came from, shown in messages and the output channel */
  source: "setting" | "python extension" | "default";
}

export type ServerCheck =
  | { ok: true; version: string }
  | { ok: false; reason: "no-python" | "no-package"; detail: string };

function expandVariables(value: string, folder: vscode.WorkspaceFolder | undefined): string {
  const root = folder?.uri.fsPath ?? "";
  return value
    .replace(/\$\{workspaceFolder\}/g, root)
    .replace(/\$\{userHome\}/g, process.env.HOME ?? process.env.USERPROFILE ?? "")
    .replace(/^~(?=$|[\\/])/, process.env.HOME ?? "");
}

/** The Python extension's interpreter for this folder, or undefined if it is absent or unset. */
export async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, log: (msg: string) => void): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    if (envs?.getActiveEnvironmentPath && envs?.resolveEnvironment) {
      const active = envs.getActiveEnvironmentPath(resource);
      const resolved = await envs.resolveEnvironment(active);
      const exe: string | undefined = resolved?.executable?.uri?.fsPath;
      if (exe) return exe;
    }
    const details = api?.settings?.getExecutionDetails?.(resource);
    const cmd: string[] | undefined = details?.execCommand;
    if (cmd && cmd.length === 1) return cmd[0];
  } catch (err) {
    log(`Python extension did not give an interpreter: ${String(err)}`);
  }
  return undefined;
}

export async function resolveInterpreter(log: (msg: string) => void): Promise<Interpreter> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const configured = vscode.workspace.getConfiguration("zombiecoder", folder?.uri).get<string>("server.python", "").trim();
  if (configured) return { command: expandVariables(configured, folder), source: "setting" };
  const fromExt = await pythonExtensionInterpreter(folder?.uri, log);
  if (fromExt) return { command: fromExt, source: "python extension" };
  return { command: process.platform === "win32" ? "python" : "python3", source: "default" };
}

/** Run `<python> -c "import zc_lsp"`; the reason tells which message to show. */
export function checkServer(python: string, cwd: string | undefined, env: NodeJS.ProcessEnv): Promise<ServerCheck> {
  const probe = "import zc_lsp, sys; print(getattr(zc_lsp, '__version__', '?'))";
  return new Promise((resolve) => {
    execFile(python, ["-c", probe], { cwd, env, timeout: 30000 }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ ok: true, version: stdout.trim() });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EACCES") {
        resolve({ ok: false, reason: "no-python", detail: `${python}: ${code === "ENOENT" ? "not found" : "not executable"}` });
        return;
      }
      const last = stderr.trim().split(/\r?\n/).pop() ?? String(error);
      resolve({ ok: false, reason: "no-package", detail: last });
    });
  });
}

/** A workspace that is this project's own checkout installs from source (developing the server). */
export function localSourceDir(): string | undefined {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const pyproject = path.join(folder.uri.fsPath, "pyproject.toml");
    try {
      if (/^name\s*=\s*"zombiecoder"/m.test(fs.readFileSync(pyproject, "utf8"))) return folder.uri.fsPath;
    } catch {
      continue; // no pyproject.toml in this folder: not a checkout of the server
    }
  }
  return undefined;
}

/** The newest server wheel shipped inside the extension (`bundled/`), if this build has one. */
export function bundledWheel(extensionPath: string): string | undefined {
  const dir = path.join(extensionPath, "bundled");
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined; // no bundled/ folder: a development build without the wheel
  }
  const name = pickWheel(names);
  return name ? path.join(dir, name) : undefined;
}

/** The install plan for this interpreter: the open checkout (editable) or the bundled wheel. */
export function installCommand(python: string, extensionPath: string): InstallPlan {
  return installPlan(python, { checkout: localSourceDir(), wheel: bundledWheel(extensionPath) }, process.platform);
}

/**
 * Call `onChange` when the Python extension's active interpreter changes (its
 * `environments.onDidChangeActiveEnvironmentPath` event, or the older
 * `settings.onDidChangeExecutionDetails`). Undefined when the Python extension is absent.
 */
export async function watchPythonInterpreter(onChange: () => void, log: (msg: string) => void): Promise<vscode.Disposable | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
    if (typeof event !== "function") {
      log("the Python extension offers no interpreter-change event; restart the server by hand after switching");
      return undefined;
    }
    return event(() => onChange()) as vscode.Disposable;
  } catch (err) {
    log(`could not watch the Python extension's interpreter: ${String(err)}`);
    return undefined;
  }
}

/** Run pip as a task (no shell, so no quoting) in a visible terminal; resolves with its exit code. */
function runInstall(python: string, args: string[]): Promise<number | undefined> {
  const task = new vscode.Task(
    { type: "zombiecoder", action: "install" },
    vscode.TaskScope.Workspace,
    "install the server",
    "ZombieCoder",
    new vscode.ProcessExecution(python, args),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  const ours = (t: vscode.Task) => t.definition.type === "zombiecoder" && t.definition.action === "install";
  return new Promise((resolve, reject) => {
    // matched by definition, not by the execution object: the process may end before executeTask
    // resolves. A process that fails to launch may end the task without a process-end event.
    let code: number | undefined;
    const subs = [
      vscode.tasks.onDidEndTaskProcess((e) => {
        if (ours(e.execution.task)) code = e.exitCode;
      }),
      vscode.tasks.onDidEndTask((e) => {
        if (!ours(e.execution.task)) return;
        for (const s of subs) s.dispose();
        resolve(code);
      }),
    ];
    vscode.tasks.executeTask(task).then(
      () => undefined,
      (err) => {
        for (const s of subs) s.dispose();
        reject(err);
      },
    );
  });
}

/**
 * Tell the user, once, what is missing and offer the fix. "installed" means pip finished with
 * exit 0 (the caller restarts the server).
 */
export async function offerFix(
  python: Interpreter,
  check: Extract<ServerCheck, { ok: false }>,
  extensionPath: string,
  log: (msg: string) => void,
): Promise<"installed" | "settings" | undefined> {
  if (check.reason === "no-python") {
    const choice = await vscode.window.showErrorMessage(
      `ZombieCoder: no Python interpreter at "${python.command}" (from ${python.source}). Set zombiecoder.server.python to a Python 3.11+ interpreter.`,
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "zombiecoder.server.python");
      return "settings";
    }
    return undefined;
  }
  const choice = await vscode.window.showErrorMessage(
    `ZombieCoder: the language server is not installed for ${python.command} (${check.detail}).`,
    "Install ZombieCoder",
    "Choose Interpreter",
  );
  if (choice === "Install ZombieCoder") {
    const plan = installCommand(python.command, extensionPath);
    if (plan.kind === "none") {
      log(`install: ${plan.reason}`);
      void vscode.window.showErrorMessage(`ZombieCoder: ${plan.reason}.`);
      return undefined;
    }
    log(`install (${plan.kind}): ${plan.commandLine}`);
    const code = await runInstall(python.command, plan.args);
    if (code === 0) {
      void vscode.window.showInformationMessage("ZombieCoder: installed; starting the server.");
      return "installed";
    }
    log(`install exited with ${code ?? "no exit code"}`);
    void vscode.window.showErrorMessage(
      `ZombieCoder: the install failed (exit ${code ?? "?"}); see the "install the server" task terminal. ` +
        "On a system Python (externally-managed-environment) choose a virtual environment's interpreter.",
    );
    return undefined;
  }
  if (choice === "Choose Interpreter") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "zombiecoder.server.python");
    return "settings";
  }
  return undefined;
}
