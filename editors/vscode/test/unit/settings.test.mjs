// Settings mapping: extension keys -> the server's config/default.yaml keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const s = require("../../out/settings.js");
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

test("only the settings the user set are sent, nested under the server's snake_case keys", () => {
  const out = s.toServerSettings({
    "diagnostics.debounceMs": 150,
    "privacy.allowCloud": true,
    "providers.order": ["openai", "offline"],
    "providers.ollama.model": "llama3.2:3b",
    "providers.openai.baseUrl": "http://127.0.0.1:8080/v1",
    "tests.timeoutS": 60,
    logLevel: "debug",
  });
  assert.deepEqual(out, {
    diagnostics: { debounce_ms: 150 },
    privacy: { allow_cloud: true },
    router: { chain: ["openai", "offline"] },
    providers: { ollama: { models: { default: "llama3.2:3b" } }, openai: { base_url: "http://127.0.0.1:8080/v1" } },
    tests: { timeout_s: 60 },
    log_level: "debug",
  });
});

test("nothing set sends an empty object so the server's files keep their values", () => {
  assert.deepEqual(s.toServerSettings({}), {});
});

test("extension-only and empty-string settings are not sent", () => {
  const out = s.toServerSettings({ "server.python": "/usr/bin/python3", "trace.server": "verbose", "providers.ollama.host": "" });
  assert.deepEqual(out, {});
});

test("workspace trust is carried as trust.trusted", () => {
  assert.deepEqual(s.toServerSettings({}, false), { trust: { trusted: false } });
  assert.deepEqual(s.toServerSettings({ "autofix.mode": "apply" }, true), { autofix: { mode: "apply" }, trust: { trusted: true } });
});

test("advanced object is snake_cased and deep-merged under the mapped keys, which win", () => {
  const out = s.toServerSettings({
    "server.settings": { diagnostics: { debounceMs: 999, bandit_on_save: false }, router: { breakerFailures: 5 }, server: { x: 1 } },
    "diagnostics.debounceMs": 100,
  });
  assert.deepEqual(out, { diagnostics: { debounce_ms: 100, bandit_on_save: false }, router: { breaker_failures: 5 } });
});

test("every mapped server key exists in config/default.yaml", () => {
  const yaml = readFileSync(new URL("../../../../config/default.yaml", import.meta.url), "utf8");
  for (const { server } of s.SETTINGS) {
    if (!server) continue;
    // each part must appear as a key (block or flow style), in order after its parent
    let pos = 0;
    for (const part of server.split(".")) {
      const m = new RegExp(`(^|[\\s{,])${part}:`, "m").exec(yaml.slice(pos));
      assert.ok(m, `${server}: ${part} not found in default.yaml`);
      pos += m.index + m[0].length;
    }
  }
});

test("every mapped setting is contributed in package.json, and every contributed one is mapped", () => {
  const contributed = Object.keys(pkg.contributes.configuration.properties).map((k) => k.replace(/^zombiecoder\./, ""));
  const mapped = s.SETTINGS.map((m) => m.key).concat([s.ADVANCED_KEY]);
  assert.deepEqual([...contributed].sort(), [...mapped].sort());
});

test("camelCase to snake_case matches the server's rule", () => {
  assert.equal(s.snakeCase("debounceMs"), "debounce_ms");
  assert.equal(s.snakeCase("allowCloud"), "allow_cloud");
  assert.equal(s.snakeCase("timeout_s"), "timeout_s");
});

test("only server.python changes need a restart", () => {
  assert.equal(s.needsRestart(["server.python"]), true);
  assert.equal(s.needsRestart(["diagnostics.debounceMs", "privacy.allowCloud"]), false);
});

test("API keys from secret storage go into the server's environment, never the settings", () => {
  const env = s.serverEnvironment({ PATH: "/bin", UNSET: undefined }, { "zombiecoder.apiKey.openai": "sk-test", "zombiecoder.apiKey.anthropic": undefined });
  assert.equal(env.OPENAI_API_KEY, "sk-test");
  assert.equal(env.PATH, "/bin");
  assert.ok(!("ANTHROPIC_API_KEY" in env));
  assert.ok(!("UNSET" in env));
  assert.ok(!JSON.stringify(s.toServerSettings({ "providers.openai.model": "x" })).includes("sk-test"));
});

test("a workspace's .vscode/settings.json cannot allow the cloud, weaken redaction or name an endpoint", () => {
  for (const key of ["privacy.allowCloud", "privacy.redactLocal", "providers.openai.baseUrl", "providers.ollama.host",
                     "providers.anthropic.baseUrl"]) {
    const fromRepo = s.scopedValue(key, { workspaceValue: "https://attacker.example/v1" });
    assert.equal(fromRepo.value, undefined, key);
    assert.deepEqual(fromRepo.refused, [key]);
    const folder = s.scopedValue(key, { globalValue: false, workspaceFolderValue: true });
    assert.equal(folder.value, false, key);  // the user's own value stands
    assert.deepEqual(s.scopedValue(key, { globalValue: true }), { value: true, refused: [] });
  }
  // ordinary keys: the most specific scope wins
  assert.deepEqual(s.scopedValue("diagnostics.debounceMs", { globalValue: 300, workspaceValue: 100 }), { value: 100, refused: [] });
});

test("the advanced object from a workspace loses its user-only paths; the user's keeps them", () => {
  const picked = s.scopedValue("server.settings", {
    globalValue: { privacy: { allowCloud: false }, diagnostics: { debounceMs: 200 } },
    workspaceValue: {
      privacy: { allowCloud: true, redact: false },
      providers: { openai: { baseUrl: "https://attacker.example/v1", apiKeyEnv: "AWS_SECRET_ACCESS_KEY", model: "x" } },
      trust: { trusted: true },
      memory: { path: "/tmp/x", inWorkspace: true, retentionDays: 3 },
      diagnostics: { debounceMs: 50 },
    },
  });
  assert.deepEqual(picked.value, {
    privacy: { allow_cloud: false },
    diagnostics: { debounce_ms: 50 },
    providers: { openai: { model: "x" } },
    memory: { retention_days: 3 },
  });
  assert.deepEqual(picked.refused.sort(), [
    "server.settings: memory.in_workspace", "server.settings: memory.path", "server.settings: privacy",
    "server.settings: providers.openai.api_key_env", "server.settings: providers.openai.base_url",
    "server.settings: trust",
  ]);
});

test("user-only settings are machine-scoped in package.json, so VS Code itself ignores workspace values", () => {
  const props = Object.assign({}, ...[pkg.contributes.configuration].flat().map((c) => c.properties));
  for (const key of s.USER_ONLY_KEYS) assert.equal(props[`zombiecoder.${key}`].scope, "machine", key);
});
