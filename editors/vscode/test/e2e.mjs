#!/usr/bin/env node
// End-to-end test in real VS Code: code-server (Node 24) with our VSIX installed, driven by
// playwright-core and Debian chromium. Steps: diagnostics in the Problems panel, a quick fix from
// the lightbulb, "ZombieCoder: Run Tests" from the palette, the status side panel with live agent
// and provider status. Screenshots go to --artifacts. Exit code 0 = pass; prints step timings.
//
// `--scenario chat --ollama-host URL` runs the chat panel instead, against a fake model server
// (tests/fakes/model_server.py, started by the pytest wrapper): ask, watch the answer stream with
// its provider, Apply as edit through the diff and the server's guard, Stop, and the completions toggle.
//
// Usage: node24 e2e.mjs --vsix X.vsix --python /path/python [--artifacts dir] [--keep]
//                       [--scenario main|chat] [--ollama-host http://127.0.0.1:PORT --ollama-model NAME]
import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../../..");
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return acc;
  }, []),
);
const PYTHON = args.python || "python3";
const VSIX = args.vsix || path.join(ROOT, "editors/vscode/zombiecoder-0.1.0.vsix");
const ARTIFACTS = path.resolve(args.artifacts || path.join(ROOT, "artifacts/vscode"));
const TOOLS = process.env.ZC_TOOLS_DIR || path.join(ROOT, ".tools");
const CODE_SERVER = path.join(TOOLS, "code-server/node_modules/code-server/out/node/entry.js");
const CHROMIUM = process.env.ZC_CHROMIUM || "/usr/bin/chromium";
const STEP_TIMEOUT = 45_000;
const SCENARIO = args.scenario || "main";
const OLLAMA_HOST = typeof args["ollama-host"] === "string" ? args["ollama-host"] : "";
const OLLAMA_MODEL = typeof args["ollama-model"] === "string" ? args["ollama-model"] : "fake-small";
// the programming role (inline completions) gets its own model, so the fake server can script its replies apart
const COMPLETION_MODEL = typeof args["completion-model"] === "string" ? args["completion-model"] : "";
if (SCENARIO === "chat" && !OLLAMA_HOST) throw new Error("--scenario chat needs --ollama-host (the fake model server)");

const CALC = `"""Tiny calculator for the VS Code end-to-end test: one unused import, one security finding."""
import os
import subprocess


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def run(command: str) -> int:
    """Run a shell command built from user input; a security finding on purpose."""
    return subprocess.call(command, shell=True)
`;
const TESTS = `from calc import add


def test_add() -> None:
    assert add(2, 3) == 5


def test_add_negative() -> None:
    assert add(-2, -3) == -5
`;

const timings = {};
const t0 = Date.now();
let mark = Date.now();
function step(name) {
  const now = Date.now();
  timings[name] = (now - mark) / 1000;
  mark = now;
  console.log(`[e2e] ${name}: ${timings[name].toFixed(1)}s`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHttp(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}: ${last}`);
}

/** The tail of the extension's output channel and code-server's log, for failure reports. */
function logTails(tmp) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/ZombieCoder|exthost\.log|remoteexthost\.log/.test(e.name)) out.push(p);
    }
  };
  try {
    walk(path.join(tmp, "user-data", "logs"));
  } catch (err) {
    out.push(`(no logs: ${err.message})`);
  }
  return out
    .map((p) => {
      try {
        return `--- ${p}\n${fs.readFileSync(p, "utf8").split("\n").slice(-60).join("\n")}`;
      } catch {
        return `--- ${p}`;
      }
    })
    .join("\n");
}

/** Text of /proc/<pid>/cmdline (NUL-separated), or "" when the process is gone. */
function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "latin1");
  } catch {
    return "";
  }
}

/** Every process below `root` (our code-server), so only processes this test started are touched. */
function descendants(root) {
  const parent = new Map();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "latin1");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      continue; // exited while we looked
    }
  }
  const out = [];
  const walk = (pid) => {
    for (const [child, ppid] of parent) {
      if (ppid === pid) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

async function palette(page, text) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_TIMEOUT });
  await input.fill(`>${text}`);
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: text }).first();
  await row.waitFor({ timeout: STEP_TIMEOUT });
  await page.keyboard.press("Enter");
}

async function openFile(page, name) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_TIMEOUT });
  await input.fill(name);
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: name }).first().waitFor({ timeout: STEP_TIMEOUT });
  await page.keyboard.press("Enter");
  await page.locator(`.tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: STEP_TIMEOUT });
}

async function editorText(page) {
  return page.locator(".editor-instance .view-lines").first().innerText();
}

/** The frame of our webview (nested iframes): the one that has our #root. */
async function statusFrame(page, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$("#root.zc-root")) return frame;
      } catch {
        continue; // a frame navigating away; the next poll sees the new one
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the ZombieCoder status webview did not appear");
}


/** The chat webview's frame: the one that has our #log. */
async function chatFrame(page, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$("#log.zc-log")) return frame;
      } catch {
        continue; // a frame navigating away; the next poll sees the new one
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the ZombieCoder chat webview did not appear");
}

async function waitFor(what, fn, timeoutMs = STEP_TIMEOUT) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The chat panel against the fake model server (its default reply holds FIXED_ADD in a python block). */
async function chatScenario(page, ws, userData) {
  await openFile(page, "calc.py");

  // The completions toggle in the status bar flips zombiecoder.completion.enabled in User settings.
  const userSettings = path.join(userData, "User", "settings.json");
  const on = page.locator(".statusbar-item", { hasText: "ZC ✓ completions" }).first();
  await on.waitFor({ timeout: STEP_TIMEOUT });
  await on.click();
  await page.locator(".statusbar-item", { hasText: "ZC ✗ completions off" }).first().waitFor({ timeout: STEP_TIMEOUT });
  await waitFor("completion.enabled=false in settings.json", () =>
    /"zombiecoder\.completion\.enabled":\s*false/.test(fs.readFileSync(userSettings, "utf8")));
  await page.locator(".statusbar-item", { hasText: "ZC ✗ completions off" }).first().click();
  await on.waitFor({ timeout: STEP_TIMEOUT });
  step("completions_toggle");

  // Select the `add` function (lines 6-8): it is the question's context and the edit's range.
  await page.locator(".editor-instance .view-lines").first().click();
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: STEP_TIMEOUT });
  await page.keyboard.type("6");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Home");
  for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowDown");

  await palette(page, "ZombieCoder: Chat");
  // collapse the Status view so the chat has the side bar's height (for the screenshots)
  const statusHeader = page.locator(".pane-header", { has: page.locator(".title", { hasText: /^status$/i }) }).first();
  if ((await statusHeader.getAttribute("aria-expanded", { timeout: 5_000 }).catch(() => null)) === "true") await statusHeader.click();
  const frame = await chatFrame(page, STEP_TIMEOUT);
  await frame.locator("#context .zc-chip", { hasText: "calc.py:6-8" }).waitFor({ timeout: STEP_TIMEOUT });
  const input = frame.locator("#input");
  await input.click();
  // slash-command hints while a command word is typed
  await input.pressSequentially("/f");
  await frame.locator("#suggest .zc-sug", { hasText: "/fix" }).waitFor({ timeout: STEP_TIMEOUT });
  await input.fill("");
  await frame.locator("#suggest").waitFor({ state: "hidden", timeout: STEP_TIMEOUT });
  await input.pressSequentially("Add type hints to add, please.");
  await input.press("Enter");
  step("chat_open_and_ask");

  // The answer streams in (zc/chatDelta), with Stop offered while it does.
  const streaming = frame.locator('.zc-turn[data-role="assistant"].zc-state-streaming .zc-md');
  await streaming.filter({ hasText: /\S/ }).first().waitFor({ timeout: 60_000 });
  await frame.locator("#stop").waitFor({ state: "visible", timeout: STEP_TIMEOUT });
  const partial = await streaming.first().innerText().catch(() => "");
  await page.screenshot({ path: path.join(ARTIFACTS, "09-chat-streaming.png") });
  const answer = frame.locator('.zc-turn[data-role="assistant"].zc-state-done').last();
  const prov = answer.locator('[data-role="provenance"]');
  await prov.waitFor({ timeout: 90_000 });
  const provText = (await prov.innerText()).trim();
  const full = await answer.locator(".zc-md").innerText();
  console.log(`[e2e] chat: ${provText}; streamed ${partial.length} of ${full.length} chars before the end`);
  if (!/^answered by ollama\/\S+/.test(provText)) throw new Error(`the answer does not name the provider: ${provText}`);
  if (!full.includes("checked by ZombieCoder")) throw new Error(`the answer lacks the model's code block: ${full.slice(0, 300)}`);
  if (await frame.locator("#stop").isVisible()) throw new Error("Stop is still offered after the answer ended");
  await page.screenshot({ path: path.join(ARTIFACTS, "10-chat-answer.png") });
  step("chat_answer_streamed");

  // Apply as edit: a diff of the server's preview, a confirmation, then the server applies it.
  await answer.locator('button[data-action="apply"]').first().click();
  await page.locator(".tab", { hasText: "ZombieCoder's proposal" }).first().waitFor({ timeout: STEP_TIMEOUT });
  const dialog = page.locator(".monaco-dialog-box").first();
  await dialog.waitFor({ timeout: STEP_TIMEOUT });
  await page.screenshot({ path: path.join(ARTIFACTS, "11-chat-apply-diff.png") });
  await dialog.locator(".monaco-button", { hasText: /^Apply$/ }).first().click();
  await page.locator(".tab", { hasText: "ZombieCoder's proposal" }).first().waitFor({ state: "detached", timeout: STEP_TIMEOUT });
  await openFile(page, "calc.py");
  // rendered whitespace in a selection shows as "·" in the DOM text, hence "." between the words
  await waitFor("the edit in the editor", async () => /checked.by.ZombieCoder/.test(await editorText(page)));
  await page.keyboard.press("Control+S");
  const calc = path.join(ws, "calc.py");
  await waitFor("the edit saved to calc.py", () => fs.readFileSync(calc, "utf8").includes("checked by ZombieCoder"));
  const after = fs.readFileSync(calc, "utf8");
  if (!after.includes("def add(a: int, b: int) -> int:") || !after.includes("def run(command: str) -> int:")) {
    throw new Error(`calc.py after the edit:\n${after}`);
  }
  if ((after.match(/def add\(/g) || []).length !== 1) throw new Error(`the edit duplicated add():\n${after}`);
  await page.screenshot({ path: path.join(ARTIFACTS, "12-chat-applied.png") });
  step("chat_apply_as_edit");

  // Inline completion: a new function's body is offered as ghost text (textDocument/inlineCompletion)
  // and Tab accepts it.
  if (COMPLETION_MODEL) {
    await page.locator(".editor-instance .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.type("def mul(a: int, b: int) -> int:");
    await page.keyboard.press("Enter"); // VS Code indents the body
    const ghost = page.locator(".monaco-editor .ghost-text-decoration").first();
    await ghost.waitFor({ timeout: 60_000 });
    // ghost text is drawn as several highlighted spans: read the whole line that holds it
    const ghostText = await page.locator(".monaco-editor .view-line:has(.ghost-text-decoration)").first().innerText();
    await page.screenshot({ path: path.join(ARTIFACTS, "14-inline-completion.png") });
    if (!/return a \* b/.test(ghostText.replace(/\u00a0/g, " "))) throw new Error(`unexpected ghost text: ${ghostText}`);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+S");
    await waitFor("the accepted completion saved to calc.py", () => /def mul\(a: int, b: int\) -> int:\n {4}return a \* b/.test(fs.readFileSync(calc, "utf8")));
    step("inline_completion_accepted");
  }

  // Insert at cursor: the block goes into the editor the question was about, at its cursor.
  await page.locator(".editor-instance .view-lines").first().click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  const frameIns = await chatFrame(page, STEP_TIMEOUT);
  await frameIns.locator('.zc-turn[data-role="assistant"].zc-state-done button[data-action="insert"]').first().click();
  await waitFor("the inserted block in the editor", async () => ((await editorText(page)).match(/def\s+add\(/g) || []).length === 2);
  await page.keyboard.press("Control+Z");
  await waitFor("the insert undone", async () => ((await editorText(page)).match(/def\s+add\(/g) || []).length === 1);
  await page.keyboard.press("Control+S");
  step("chat_insert_at_cursor");

  // Stop (Esc) cancels the request; the partial answer stays, marked stopped.
  await palette(page, "ZombieCoder: Chat");
  const frame2 = await chatFrame(page, STEP_TIMEOUT);
  const input2 = frame2.locator("#input");
  await input2.click();
  // "@" at the start of a word picks another file for the question
  await input2.pressSequentially("@");
  const pickInput = page.locator(".quick-input-widget input");
  await pickInput.waitFor({ state: "visible", timeout: STEP_TIMEOUT });
  await pickInput.fill("test_calc");
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: "test_calc.py" }).first().waitFor({ timeout: STEP_TIMEOUT });
  await page.keyboard.press("Enter");
  await frame2.locator("#context .zc-chip", { hasText: "@test_calc.py" }).waitFor({ timeout: STEP_TIMEOUT });
  if (!(await input2.inputValue()).startsWith("@test_calc.py")) throw new Error(`the mention is not in the input: ${await input2.inputValue()}`);
  await input2.press("End");
  await input2.pressSequentially("Explain calc.py in detail.");
  await input2.press("Enter");
  await frame2.locator('.zc-turn[data-role="assistant"].zc-state-streaming .zc-md').filter({ hasText: /\S/ }).first()
    .waitFor({ timeout: 60_000 });
  await input2.press("Escape");
  const stopped = frame2.locator('.zc-turn[data-role="assistant"].zc-state-stopped').last();
  await stopped.waitFor({ timeout: STEP_TIMEOUT });
  await stopped.locator(".zc-badge", { hasText: "stopped" }).waitFor({ timeout: 5_000 });
  await frame2.locator("#stop").waitFor({ state: "hidden", timeout: STEP_TIMEOUT });
  await page.screenshot({ path: path.join(ARTIFACTS, "13-chat-stopped.png") });
  step("chat_stop");

  // History: after a window reload (new extension host, new server) the conversation comes back
  // from zc.chat.history; New chat (zc.chat.clear) empties it.
  const reloaded = page.waitForEvent("load", { timeout: 60_000 });
  await palette(page, "Developer: Reload Window");
  await reloaded;
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  // the chat view was open before the reload: the workbench restores it
  const frame3 = await chatFrame(page, 60_000);
  await frame3.locator('.zc-turn[data-role="user"]', { hasText: "Add type hints to add" }).first().waitFor({ timeout: 60_000 });
  await frame3.locator('.zc-turn[data-role="assistant"]', { hasText: "checked by ZombieCoder" }).first().waitFor({ timeout: STEP_TIMEOUT });
  await page.screenshot({ path: path.join(ARTIFACTS, "15-chat-history.png") });
  await frame3.locator("#newchat").click();
  await frame3.locator(".zc-empty").waitFor({ timeout: STEP_TIMEOUT });
  if (await frame3.locator(".zc-turn").count()) throw new Error("New chat left turns in the panel");
  step("chat_history_and_new_chat");
}

/**
 * A stand-in for the Python extension (id ms-python.python) with the part of its API we use:
 * environments.getActiveEnvironmentPath / resolveEnvironment / onDidChangeActiveEnvironmentPath.
 * Its command "Fake Python: Use Next Interpreter" switches to the interpreter named in the state
 * file ($ZC_FAKE_PYTHON_STATE) and fires the event, as choosing an interpreter in the real one does.
 */
function buildFakePythonExtension(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({
    name: "python", publisher: "ms-python", displayName: "Fake Python (ZombieCoder e2e)", version: "0.0.1",
    description: "stand-in for the Python extension's environments API", license: "MIT",
    engines: { vscode: "^1.85.0" }, main: "./extension.js", activationEvents: [],
    contributes: { commands: [{ command: "fakePython.useNext", title: "Fake Python: Use Next Interpreter" }] },
  }, null, 2));
  fs.writeFileSync(path.join(dir, "README.md"), "Stand-in for ms-python.python in ZombieCoder's end-to-end test.\n");
  fs.writeFileSync(path.join(dir, "extension.js"), `
const vscode = require("vscode");
const fs = require("fs");
exports.activate = (context) => {
  const state = () => JSON.parse(fs.readFileSync(process.env.ZC_FAKE_PYTHON_STATE, "utf8"));
  let current = state().current;
  const changed = new vscode.EventEmitter();
  context.subscriptions.push(vscode.commands.registerCommand("fakePython.useNext", () => {
    current = state().next;
    changed.fire({ id: current, path: current, resource: undefined });
  }));
  return {
    environments: {
      getActiveEnvironmentPath: () => ({ id: current, path: current }),
      resolveEnvironment: async (env) => ({ id: env.path, path: env.path, executable: { uri: vscode.Uri.file(env.path) } }),
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
};
exports.deactivate = () => undefined;
`);
  const vsce = path.join(ROOT, "editors/vscode/node_modules/@vscode/vsce/vsce");
  const out = path.join(dir, "fake-python.vsix");
  execFileSync(process.execPath, [vsce, "package", "--no-dependencies", "--skip-license", "--allow-missing-repository", "-o", out],
    { cwd: dir, stdio: "pipe", timeout: 60_000 });
  return out;
}

/** Every ZombieCoder output-channel log of this run (one per extension host), concatenated. */
function outputLogs(userData) {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/ZombieCoder\.log$/.test(e.name)) found.push(fs.readFileSync(p, "utf8"));
    }
  };
  try {
    walk(path.join(userData, "logs"));
  } catch (err) {
    return `(no logs: ${err.message})`;
  }
  return found.join("\n");
}

/**
 * Issue 17: with no zombiecoder.server.python the Python extension's interpreter runs the server
 * (the whole chat scenario ran so), and choosing another one there restarts the server with it (here: a venv without the package,
 * so the restart ends in the one "not installed for <venv>" message).
 */
async function interpreterChangeScenario(page, tmp, userData) {
  // no zombiecoder.server.python in this scenario: the server has run on the Python extension's choice
  await waitFor("the server on the Python extension's interpreter (output channel)", () =>
    outputLogs(userData).includes(`python: ${PYTHON} (from python extension)`), 10_000);
  const venv = path.join(tmp, "venv-other");
  execFileSync(PYTHON, ["-m", "venv", "--without-pip", venv], { timeout: 60_000 });
  const other = path.join(venv, "bin", "python");
  fs.writeFileSync(path.join(tmp, "fake-python.json"), JSON.stringify({ current: PYTHON, next: other }));
  await palette(page, "Fake Python: Use Next Interpreter");
  const missing = page.locator(".notification-toast", { hasText: /not installed for/ }).first();
  await missing.waitFor({ timeout: 60_000 });
  const text = (await missing.innerText()).replace(/\s+/g, " ");
  if (!text.includes("venv-other")) throw new Error(`the restart did not use the new interpreter: ${text}`);
  await waitFor("the interpreter-change line in the output channel", () =>
    outputLogs(userData).includes(`the Python interpreter changed to ${other}`), 10_000);
  await page.screenshot({ path: path.join(ARTIFACTS, "16-interpreter-changed.png") });
  step("restart_on_interpreter_change");

  // Install ZombieCoder: pip runs the wheel the VSIX bundles with the chosen interpreter. This venv
  // has no pip, so the install fails, and that failure (exit code from the task) is reported.
  await missing.locator(".monaco-button", { hasText: "Install ZombieCoder" }).first().click();
  await waitFor("the install command in the output channel", () => {
    const logs = outputLogs(userData);
    const at = logs.indexOf(`install (wheel): ${other} -m pip install `);
    return at >= 0 && /^\S+\/bundled\/zombiecoder-\S+\.whl$/m.test(logs.slice(at).split("pip install ")[1] ?? "");
  }, 30_000);
  const failed = page.locator(".notification-toast", { hasText: /the install failed \(exit [1-9]/ }).first();
  await failed.waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(ARTIFACTS, "17-install-from-bundled-wheel.png") });
  step("install_from_bundled_wheel");
}

async function main() {
  for (const [what, p] of [["vsix", VSIX], ["code-server", CODE_SERVER], ["chromium", CHROMIUM]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} not found at ${p} (run scripts/install-editor-tools.sh and scripts/build-vsix.sh)`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zc-vscode-e2e-"));
  const home = path.join(tmp, "home");
  const userData = path.join(tmp, "user-data");
  const extensions = path.join(tmp, "extensions");
  const ws = path.join(tmp, "project");
  for (const d of [home, path.join(userData, "User"), path.join(userData, "Machine"), extensions, ws]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(ws, "calc.py"), CALC);
  fs.writeFileSync(path.join(ws, "test_calc.py"), TESTS);
  fs.writeFileSync(path.join(ws, ".zombiecoder.yaml"), "diagnostics:\n  debounce_ms: 50\n");
  fs.writeFileSync(
    path.join(userData, "User", "settings.json"),
    JSON.stringify(
      {
        // chat: the stand-in Python extension chooses the interpreter (issue 17's restart is tested on it)
        ...(SCENARIO === "main" ? { "zombiecoder.server.python": PYTHON } : {}),
        "zombiecoder.trace.server": "messages",
        "security.workspace.trust.enabled": false,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.welcomePage.walkthroughs.openOnInstall": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "extensions.ignoreRecommendations": true,
        "update.mode": "none",
        "git.enabled": false,
        "editor.lightbulb.enabled": "on",
        "chat.disableAIFeatures": true,
        "workbench.colorTheme": "Default Dark Modern",
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        ...(SCENARIO === "chat"
          ? {
              "zombiecoder.providers.order": ["ollama", "offline"],
              "zombiecoder.providers.ollama.host": OLLAMA_HOST,
              "zombiecoder.providers.ollama.model": OLLAMA_MODEL,
              ...(COMPLETION_MODEL
                ? { "zombiecoder.server.settings": { providers: { ollama: { models: { programming: COMPLETION_MODEL } } } } }
                : {}),
            }
          : {}),
      },
      null,
      2,
    ),
  );
  // machine-scoped settings (server.python) are read from the remote "Machine" settings in code-server
  fs.writeFileSync(path.join(userData, "Machine", "settings.json"),
    JSON.stringify(SCENARIO === "main" ? { "zombiecoder.server.python": PYTHON } : {}, null, 2));
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: path.join(home, ".local/share"),
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    // main: nothing listens on port 9, the offline engines answer; chat: the fake model server
    OLLAMA_HOST: SCENARIO === "chat" ? OLLAMA_HOST : "http://127.0.0.1:9",
    OPENAI_API_KEY: "",
    ANTHROPIC_API_KEY: "",
  };
  const node = process.execPath;
  const common = ["--user-data-dir", userData, "--extensions-dir", extensions];
  execFileSync(node, [CODE_SERVER, ...common, "--install-extension", VSIX], { env, stdio: "pipe", timeout: 60_000 });
  if (SCENARIO === "chat") {
    // the interpreter-change restart (issue 17) needs a Python extension: a stand-in with its API
    env.ZC_FAKE_PYTHON_STATE = path.join(tmp, "fake-python.json");
    fs.writeFileSync(env.ZC_FAKE_PYTHON_STATE, JSON.stringify({ current: PYTHON, next: PYTHON }));
    const fakePython = buildFakePythonExtension(path.join(tmp, "fake-python"));
    execFileSync(node, [CODE_SERVER, ...common, "--install-extension", fakePython], { env, stdio: "pipe", timeout: 60_000 });
  }
  step("install_vsix");

  const port = await freePort();
  const csLog = fs.openSync(path.join(tmp, "code-server.log"), "w");
  const cs = spawn(
    node,
    [CODE_SERVER, ...common, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry",
      "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", ws],
    { env, stdio: ["ignore", csLog, csLog], detached: true },
  );
  let browser;
  let page;
  let ok = false;
  try {
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 30_000);
    step("code_server_boot");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-quic", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await page.locator(".statusbar").waitFor({ timeout: STEP_TIMEOUT });
    step("workbench_loaded");
    // a labelled block: the chat scenario skips the main steps but keeps the cleanup and timings below
    scenario: {
    if (SCENARIO === "chat") {
      await chatScenario(page, ws, userData);
      await interpreterChangeScenario(page, tmp, userData);
      ok = true;
      break scenario;
    }

    // 1. Diagnostics: open the file, see the security finding in the Problems panel.
    await openFile(page, "calc.py");
    const statusItem = page.locator(".statusbar-item", { hasText: /ZombieCoder|offline|ollama|\$\(hubot\)/ }).first();
    await page.keyboard.press("Control+Shift+M");
    const problems = page.locator(".markers-panel");
    await problems.waitFor({ state: "visible", timeout: STEP_TIMEOUT });
    await page.locator(".markers-panel .monaco-list-row", { hasText: /S602|shell=True/ }).first().waitFor({ timeout: 60_000 });
    await page.locator(".markers-panel .monaco-list-row", { hasText: /F401|unused/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: path.join(ARTIFACTS, "01-problems.png") });
    step("diagnostics_in_problems_panel");

    // 2. Quick fix from the lightbulb on the unused import.
    await page.locator(".editor-instance .view-lines").first().click();
    await page.keyboard.press("Control+G");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: STEP_TIMEOUT });
    await page.keyboard.type("2:9");
    await page.keyboard.press("Enter");
    // VS Code draws the lightbulb as a content widget, or in the gutter when it would cover code
    const bulb = page.locator('.monaco-editor [class*="codicon-gutter-lightbulb"], .monaco-editor .lightBulbWidget.codicon').first();
    let opened = "lightbulb";
    try {
      await bulb.waitFor({ state: "visible", timeout: 10_000 });
      await bulb.click();
    } catch {
      opened = "Ctrl+.";
      await page.keyboard.press("Control+.");
    }
    const fixItem = page.locator(".action-widget .monaco-list-row", { hasText: /F401/ }).first();
    await fixItem.waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: path.join(ARTIFACTS, "02-quick-fix-menu.png") });
    await fixItem.click();
    const fixDeadline = Date.now() + STEP_TIMEOUT;
    while (/import os/.test(await editorText(page))) {
      if (Date.now() > fixDeadline) throw new Error("the quick fix did not remove `import os`");
      await page.waitForTimeout(200);
    }
    await page.keyboard.press("Control+S");
    await page.screenshot({ path: path.join(ARTIFACTS, "03-after-quick-fix.png") });
    console.log(`[e2e] quick fix menu opened with: ${opened}`);
    step("quick_fix_applied");

    // 3. Run Tests from the palette; the result arrives as a notification.
    await openFile(page, "test_calc.py");
    await palette(page, "ZombieCoder: Run Tests");
    const toast = page.locator(".notification-toast", { hasText: /Tests: \d+ passed/ }).first();
    await toast.waitFor({ timeout: 90_000 });
    const toastText = (await toast.innerText()).replace(/\s+/g, " ");
    if (!/Tests: 2 passed, 0 failed/.test(toastText)) throw new Error(`unexpected test result: ${toastText}`);
    await page.screenshot({ path: path.join(ARTIFACTS, "04-run-tests.png") });
    step("run_tests_from_palette");

    // 4. The side panel: live agents and providers.
    await palette(page, "ZombieCoder: Show Status");
    const frame = await statusFrame(page, STEP_TIMEOUT);
    await frame.locator('[data-role="agents"] [data-agent]').first().waitFor({ timeout: STEP_TIMEOUT });
    await frame.locator('[data-role="providers"] [data-provider]').first().waitFor({ timeout: STEP_TIMEOUT });
    await frame.locator(".zc-conn-running").waitFor({ timeout: STEP_TIMEOUT });
    const agents = await frame.locator("[data-agent]").evaluateAll((els) => els.map((e) => e.getAttribute("data-agent")));
    const providers = await frame.locator("[data-provider]").evaluateAll((els) => els.map((e) => e.getAttribute("data-provider")));
    // live: the verifier's test run is counted (the snapshot came from the server after it ran)
    const verifierDone = await frame.locator('[data-agent="verifier"] td.zc-num').first().innerText().catch(() => "?");
    await page.screenshot({ path: path.join(ARTIFACTS, "05-status-panel.png") });
    console.log(`[e2e] panel agents=${agents.join(",")} providers=${providers.join(",")} verifier_done=${verifierDone}`);
    if (!agents.length || !providers.length) throw new Error("the panel shows no agents or providers");
    if (!(Number(verifierDone) >= 1)) throw new Error(`the panel does not count the test run (verifier done: ${verifierDone})`);
    // live: run the tests again; the panel must follow through zc/status notifications alone
    await page.locator(".editor-instance .view-lines").first().click();
    await palette(page, "ZombieCoder: Run Tests");
    await frame.locator('[data-agent="verifier"] td.zc-num', { hasText: String(Number(verifierDone) + 1) }).first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "06-status-panel-live-update.png") });
    const barText = await statusItem.innerText().catch(() => "");
    console.log(`[e2e] status bar: ${barText.replace(/\s+/g, " ")}`);
    step("status_panel_live");

    // 5a. Speak: the explanation of the cursor's code is read out and plays in the side panel.
    await page.locator(".editor-instance .view-lines").first().click();
    await palette(page, "ZombieCoder: Speak");
    const speechFrame = await statusFrame(page, STEP_TIMEOUT);
    const audio = speechFrame.locator("#player audio").first();
    await audio.waitFor({ state: "attached", timeout: 90_000 });
    const audioSrc = (await audio.getAttribute("src")) ?? "";
    if (!/audio/.test(audioSrc)) throw new Error(`the panel's player has no audio file: ${audioSrc}`);
    // The webview can read the file: its metadata loads and the duration is known.
    await speechFrame.waitForFunction(() => {
      const el = document.querySelector("#player audio");
      return el && el.readyState >= 1 && el.duration > 0;
    }, undefined, { timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "06b-speech-player.png") });
    step("speech_in_panel");

    // 5. Server crash: the client restarts it; the panel says "restarting", then "running" again.
    const serverPid = descendants(cs.pid).find((pid) => /-m\0zc_lsp/.test(cmdline(pid)));
    if (!serverPid) throw new Error("the zc_lsp server process was not found under code-server");
    const crashFrame = await statusFrame(page, STEP_TIMEOUT); // the speech step may have reloaded the webview
    process.kill(serverPid, "SIGKILL");
    await crashFrame.locator(".zc-conn-restarting").waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "07-restarting.png") });
    await crashFrame.locator(".zc-conn-running").waitFor({ timeout: STEP_TIMEOUT });
    const newPid = descendants(cs.pid).find((pid) => /-m\0zc_lsp/.test(cmdline(pid)));
    if (!newPid || newPid === serverPid) throw new Error("the server was not restarted");
    step("crash_restart");

    // 6. An interpreter without the package: one actionable message, and the panel says stopped.
    const venv = path.join(tmp, "venv-without-zc");
    execFileSync(PYTHON, ["-m", "venv", "--without-pip", venv], { timeout: 60_000 });
    fs.writeFileSync(path.join(userData, "Machine", "settings.json"),
      JSON.stringify({ "zombiecoder.server.python": path.join(venv, "bin", "python") }, null, 2));
    const missing = page.locator(".notification-toast", { hasText: /not installed for/ }).first();
    await missing.waitFor({ timeout: STEP_TIMEOUT });
    await missing.locator("a.monaco-button, .monaco-button", { hasText: "Install ZombieCoder" }).first().waitFor({ timeout: 5_000 });
    await crashFrame.locator(".zc-conn-stopped").waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: path.join(ARTIFACTS, "08-missing-package.png") });
    step("missing_package_message");
    ok = true;
    }
  } catch (err) {
    if (page) await page.screenshot({ path: path.join(ARTIFACTS, "failure.png") }).catch(() => undefined);
    console.error(`[e2e] FAILED: ${err.stack || err}`);
    console.error(logTails(tmp));
    try {
      console.error(`--- code-server.log\n${fs.readFileSync(path.join(tmp, "code-server.log"), "utf8").slice(-4000)}`);
    } catch (readErr) {
      console.error(`(no code-server log: ${readErr.message})`);
    }
  } finally {
    if (browser) await browser.close().catch((e) => console.error(`browser close: ${e.message}`));
    try {
      process.kill(-cs.pid, "SIGTERM");
    } catch (killErr) {
      console.error(`code-server already gone: ${killErr.message}`);
    }
    if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`[e2e] kept ${tmp}`);
  }
  timings.total = (Date.now() - t0) / 1000;
  console.log(`[e2e] timings ${JSON.stringify(timings)}`);
  fs.writeFileSync(path.join(ARTIFACTS, SCENARIO === "main" ? "timings.json" : `timings-${SCENARIO}.json`), JSON.stringify(timings, null, 2));
  console.log(ok ? "[e2e] PASS" : "[e2e] FAIL");
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(`[e2e] ${err.stack || err}`);
  process.exit(1);
});
