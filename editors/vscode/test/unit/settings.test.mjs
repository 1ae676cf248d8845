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
