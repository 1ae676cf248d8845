// The inline-completion toggle and the "Install ZombieCoder" command line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const t = require("../../out/completionToggle.js");
const i = require("../../out/install.js");

test("the status-bar toggle reads on or off and says what a click does", () => {
  assert.equal(t.toggleLook(true, true).text, "ZC ✓ completions");
  assert.equal(t.toggleLook(false, true).text, "ZC ✗ completions off");
  assert.match(t.toggleLook(true, true).tooltip, /are on\. Click to turn them off/);
  assert.match(t.toggleLook(false, false).tooltip, /not running/);
  assert.equal(t.toggleLook(false, true).ariaLabel, "ZombieCoder inline completions off");
});

test("completions are on by default; the most specific scope decides", () => {
  assert.equal(t.effectiveEnabled({ defaultValue: true }), true);
  assert.equal(t.effectiveEnabled({ defaultValue: true, globalValue: false }), false);
  assert.equal(t.effectiveEnabled({ defaultValue: true, globalValue: false, workspaceValue: true }), true);
  assert.equal(t.effectiveEnabled({}), true);
});

test("flipping writes where the value is decided, so the click always changes what is in effect", () => {
  assert.deepEqual(t.flip({ defaultValue: true }), { value: false, target: "global" });
  assert.deepEqual(t.flip({ defaultValue: true, globalValue: false }), { value: true, target: "global" });
  assert.deepEqual(t.flip({ defaultValue: true, globalValue: true, workspaceValue: false }), { value: true, target: "workspace" });
  assert.deepEqual(t.flip({ workspaceValue: true, workspaceFolderValue: true }), { value: false, target: "workspaceFolder" });
});

test("install uses the bundled wheel with the chosen interpreter, never a package index name", () => {
  const plan = i.installPlan("/home/u/proj/.venv/bin/python", { wheel: "/ext/bundled/zombiecoder-0.1.0-py3-none-any.whl" });
  assert.equal(plan.kind, "wheel");
  assert.deepEqual(plan.args, ["-m", "pip", "install", "/ext/bundled/zombiecoder-0.1.0-py3-none-any.whl"]);
  assert.equal(plan.commandLine, "/home/u/proj/.venv/bin/python -m pip install /ext/bundled/zombiecoder-0.1.0-py3-none-any.whl");
  assert.ok(!/install zombiecoder\b/.test(plan.commandLine));
});

test("a checkout of the project open in the editor installs editable, before the wheel", () => {
  const plan = i.installPlan("python3", { checkout: "/src/zombie coder", wheel: "/ext/bundled/zombiecoder-0.1.0-py3-none-any.whl" });
  assert.equal(plan.kind, "checkout");
  assert.deepEqual(plan.args, ["-m", "pip", "install", "-e", "/src/zombie coder"]);
  assert.equal(plan.commandLine, "python3 -m pip install -e '/src/zombie coder'");
});

test("with neither a wheel nor a checkout nothing is run and the reason says what to do", () => {
  const plan = i.installPlan("python3", {});
  assert.equal(plan.kind, "none");
  assert.match(plan.reason, /no bundled server wheel/);
});

test("command lines are quoted for the shell, including Windows paths with spaces", () => {
  assert.equal(i.quoteArg("it's"), "'it'\\''s'");
  const win = i.installPlan("C:\\Program Files\\Python311\\python.exe", { wheel: "C:\\ext\\bundled\\zombiecoder-0.1.0-py3-none-any.whl" }, "win32");
  assert.equal(win.commandLine, '& "C:\\Program Files\\Python311\\python.exe" -m pip install C:\\ext\\bundled\\zombiecoder-0.1.0-py3-none-any.whl');
});

test("the newest bundled wheel is chosen, by version number, ignoring other files", () => {
  assert.equal(
    i.pickWheel(["README", "zombiecoder-0.9.0-py3-none-any.whl", "zombiecoder-0.10.0-py3-none-any.whl", "other-9.0-py3-none-any.whl"]),
    "zombiecoder-0.10.0-py3-none-any.whl",
  );
  assert.equal(i.pickWheel(["x.whl"]), undefined);
});
