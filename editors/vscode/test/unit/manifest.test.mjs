// package.json contributions agree with the code: commands, views, trust, entry point.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const read = (p) => readFileSync(new URL(p, import.meta.url), "utf8");
const pkg = JSON.parse(read("../../package.json"));
const code = ["commands.ts", "extension.ts", "panel.ts"].map((f) => read(`../../src/${f}`)).join("\n");

test("every registered command is contributed, and every contributed command is registered", () => {
  const registered = new Set([...code.matchAll(/(?:run|registerCommand)\("(zombiecoder\.[A-Za-z.]+)"/g)].map((m) => m[1]));
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  assert.deepEqual([...registered].sort(), [...contributed].sort());
  for (const c of pkg.contributes.commands) assert.equal(c.category, "ZombieCoder", c.command);
});

test("the palette has the commands the issue lists", () => {
  const titles = pkg.contributes.commands.map((c) => c.title);
  for (const t of ["Review File", "Review Workspace", "Run Tests", "Generate Tests", "Explain Selection", "Chat", "Speak",
    "Show Status", "Doctor", "Ack Alert", "Restart Server", "Set API Key"]) assert.ok(titles.includes(t), t);
});

test("the status view lives in its own activity-bar container with a shipped icon", () => {
  const [container] = pkg.contributes.viewsContainers.activitybar;
  assert.equal(container.icon, "media/icon.svg");
  assert.ok(read(`../../${container.icon}`).startsWith("<svg"));
  const [view] = pkg.contributes.views[container.id];
  assert.equal(view.type, "webview");
  assert.ok(code.includes(`"${view.id}"`));
});

test("limited support in untrusted workspaces; the interpreter cannot be chosen by the workspace", () => {
  const trust = pkg.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, "limited");
  assert.ok(trust.restrictedConfigurations.includes("zombiecoder.server.python"));
});

test("engines allow Cursor's VS Code base and the bundle is the entry point", () => {
  assert.equal(pkg.engines.vscode, "^1.85.0");
  assert.equal(pkg.main, "./dist/extension.js");
  assert.ok(pkg.contributes.configuration.properties["zombiecoder.trace.server"]);
});

test("the chat view sits beside the status view in the ZombieCoder container, with a strict CSP", () => {
  const views = pkg.contributes.views.zombiecoder.map((v) => v.id);
  assert.deepEqual(views, ["zombiecoder.status", "zombiecoder.chat"]);
  const chat = read("../../src/chatPanel.ts");
  assert.ok(chat.includes('"default-src \'none\'"'), "default-src 'none'");
  assert.ok(chat.includes("script-src 'nonce-${nonce}'"), "nonce scripts only");
  assert.ok(!/unsafe-inline|unsafe-eval/.test(chat), "no unsafe-inline or unsafe-eval");
  const webview = read("../../webview/chat.js");
  assert.ok(!/\.style\b|setAttribute\("style"|\son[a-z]+=/.test(webview), "no inline styles or inline handlers in the webview script");
  assert.ok(pkg.contributes.menus["view/title"].some((m) => m.command === "zombiecoder.newChat" && m.when === "view == zombiecoder.chat"));
});

test("the inline-completion setting and its toggle are contributed; the bundled wheel ships in the VSIX", () => {
  const prop = pkg.contributes.configuration.properties["zombiecoder.completion.enabled"];
  assert.equal(prop.type, "boolean");
  assert.equal(prop.default, true);
  assert.ok(pkg.contributes.commands.some((c) => c.command === "zombiecoder.toggleCompletions"));
  const ignore = read("../../.vscodeignore");
  for (const line of ["!dist/chat.js", "!bundled/*.whl"]) assert.ok(ignore.split("\n").includes(line), line);
  assert.ok(!/pip install zombiecoder\b/.test(read("../../src/python.ts")), "no install from a package index");
});
