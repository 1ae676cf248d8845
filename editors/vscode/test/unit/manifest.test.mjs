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
