/**
 * Mapping between the extension's `zombiecoder.*` settings and the server's settings object
 * (the keys of config/default.yaml, snake_case, nested).
 *
 * Pure: no `vscode` import, so it is unit-tested with node's test runner. Only settings the user
 * actually set are sent: the editor layer is the top layer on the server, so sending our defaults
 * would silently override the user's `.zombiecoder.yaml`.
 */

/** One extension setting and where it lands in the server's settings. */
export interface SettingMapping {
  /** key under `zombiecoder.` in VS Code, e.g. "diagnostics.debounceMs" */
  key: string;
  /** dotted path in config/default.yaml, e.g. "diagnostics.debounce_ms"; null = extension-only */
  server: string | null;
}

export const SETTINGS: readonly SettingMapping[] = [
  { key: "server.python", server: null },
  { key: "trace.server", server: null },
  { key: "logLevel", server: "log_level" },
  { key: "providers.order", server: "router.chain" },
  { key: "providers.ollama.model", server: "providers.ollama.models.default" },
  { key: "providers.ollama.host", server: "providers.ollama.host" },
  { key: "providers.openai.model", server: "providers.openai.models.default" },
  { key: "providers.openai.baseUrl", server: "providers.openai.base_url" },
  { key: "providers.anthropic.model", server: "providers.anthropic.models.default" },
  { key: "providers.anthropic.baseUrl", server: "providers.anthropic.base_url" },
  { key: "privacy.allowCloud", server: "privacy.allow_cloud" },
  { key: "privacy.redactLocal", server: "privacy.redact_local" },
  { key: "autofix.mode", server: "autofix.mode" },
  { key: "diagnostics.debounceMs", server: "diagnostics.debounce_ms" },
  { key: "diagnostics.onChange", server: "diagnostics.on_change" },
  { key: "tests.timeoutS", server: "tests.timeout_s" },
  { key: "tests.pytestArgs", server: "tests.pytest_args" },
  { key: "speech.engine", server: "speech.engine" },
  { key: "background.enabled", server: "background.enabled" },
  { key: "completion.enabled", server: "completion.enabled" },
];

/**
 * Extension keys only the user's own (global) settings may set: they allow the cloud, weaken
 * redaction or name an endpoint that receives code (and, as a bearer, the user's API key). A
 * cloned repository's `.vscode/settings.json` is data from whoever wrote it, exactly like its
 * `.zombiecoder.yaml`: its values for these keys are ignored and named in the log.
 */
export const USER_ONLY_KEYS: readonly string[] = [
  "privacy.allowCloud",
  "privacy.redactLocal",
  "providers.ollama.host",
  "providers.openai.baseUrl",
  "providers.anthropic.baseUrl",
];

/** The server's user-only paths (zc_lsp/config_rules.py USER_ONLY), for the advanced object. */
export const USER_ONLY_PATHS: readonly string[] = [
  "trust", "privacy", "providers.*.enabled", "providers.*.host", "providers.*.hosts", "providers.*.base_url",
  "providers.*.api_key_env", "memory.path", "memory.in_workspace", "memory.encryption", "dashboard", "prompts",
  "router.budgets", "router.prices",
];

/** What `WorkspaceConfiguration.inspect` gives for one key (the parts we read). */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

function userOnlyPath(path: string[]): boolean {
  return USER_ONLY_PATHS.some((pattern) => {
    const parts = pattern.split(".");
    return parts.length <= path.length && parts.every((p, i) => p === "*" || p === path[i]);
  });
}

/** The advanced object without the user-only paths; `refused` gets each dropped dotted path. */
function withoutUserOnly(value: JsonObject, refused: string[], prefix: string[] = []): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const path = [...prefix, k];
    if (userOnlyPath(path)) refused.push(path.join("."));
    else out[k] = isObject(v) ? withoutUserOnly(v, refused, path) : v;
  }
  return out;
}

/**
 * The value of one extension setting as the server may take it, and what was refused.
 *
 * Ordinary keys: the most specific scope wins (folder, workspace, user). User-only keys: the
 * user's value only. The advanced object: the user's, with the workspace's merged over it minus
 * the user-only paths.
 */
export function scopedValue(key: string, i: Inspected | undefined): { value: unknown; refused: string[] } {
  const refused: string[] = [];
  if (!i) return { value: undefined, refused };
  const fromWorkspace = i.workspaceFolderValue ?? i.workspaceValue;
  if (USER_ONLY_KEYS.includes(key)) {
    if (fromWorkspace !== undefined) refused.push(key);
    return { value: i.globalValue, refused };
  }
  if (key === ADVANCED_KEY) {
    const user = isObject(i.globalValue) ? (snakeKeys(i.globalValue) as JsonObject) : {};
    let merged = user;
    for (const layer of [i.workspaceValue, i.workspaceFolderValue]) {
      if (isObject(layer)) merged = deepMerge(merged, withoutUserOnly(snakeKeys(layer) as JsonObject, refused));
    }
    const value = isObject(i.globalValue) || isObject(i.workspaceValue) || isObject(i.workspaceFolderValue) ? merged : undefined;
    return { value, refused: refused.map((p) => `${ADVANCED_KEY}: ${p}`) };
  }
  return { value: fromWorkspace ?? i.globalValue, refused };
}

/** Extension keys whose change needs a server restart rather than didChangeConfiguration. */
export const RESTART_KEYS: readonly string[] = ["server.python"];

/** The free-form escape hatch: any server key, deep-merged under the mapped ones. */
export const ADVANCED_KEY = "server.settings";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "debounceMs" -> "debounce_ms", as the server's own config loader does. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function snakeKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[snakeCase(k)] = snakeKeys(v);
  return out;
}

function setPath(target: JsonObject, dotted: string, value: Json): void {
  const parts = dotted.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as JsonObject;
  }
  node[parts[parts.length - 1]] = value;
}

function deepMerge(base: JsonObject, top: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const b = out[k];
    out[k] = isObject(v) && isObject(b) ? deepMerge(b, v) : v;
  }
  return out;
}

/**
 * Build the server's settings object from the settings the user set.
 *
 * `explicit` maps extension keys (without the `zombiecoder.` prefix) to the value the user set;
 * keys not set must be absent. Empty strings mean "not set" (VS Code shows text settings as "").
 * The mapped keys win over the same keys in the advanced object.
 */
export function toServerSettings(explicit: Readonly<Record<string, unknown>>, trusted?: boolean): JsonObject {
  let out: JsonObject = {};
  const advanced = explicit[ADVANCED_KEY];
  if (isObject(advanced)) {
    const cleaned = snakeKeys(advanced) as JsonObject;
    delete cleaned.server;
    delete cleaned.trace;
    out = cleaned;
  }
  const mapped: JsonObject = {};
  for (const { key, server } of SETTINGS) {
    if (server === null || !(key in explicit)) continue;
    const value = explicit[key];
    if (value === undefined || value === "") continue;
    setPath(mapped, server, value as Json);
  }
  out = deepMerge(out, mapped);
  if (trusted !== undefined) out = deepMerge(out, { trust: { trusted } });
  return out;
}

/** Whether a configuration change touching these extension keys needs a server restart. */
export function needsRestart(changedKeys: readonly string[]): boolean {
  return changedKeys.some((k) => RESTART_KEYS.includes(k));
}

/** The provider names the server accepts in `router.chain` (for validation messages). */
export const PROVIDERS = ["ollama", "openai", "anthropic", "offline"] as const;

/** Secret names in SecretStorage and the environment variable each one becomes. */
export const API_KEYS: ReadonlyArray<{ provider: string; label: string; secret: string; env: string }> = [
  { provider: "openai", label: "OpenAI (or OpenAI-compatible server)", secret: "zombiecoder.apiKey.openai", env: "OPENAI_API_KEY" },
  { provider: "anthropic", label: "Anthropic", secret: "zombiecoder.apiKey.anthropic", env: "ANTHROPIC_API_KEY" },
];

/** The server process's environment: the editor's, plus the stored keys (never from settings). */
export function serverEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  secrets: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (typeof v === "string") env[k] = v;
  for (const { secret, env: name } of API_KEYS) {
    const value = secrets[secret];
    if (value) env[name] = value;
  }
  env.PYTHONUNBUFFERED = "1";
  return env;
}
