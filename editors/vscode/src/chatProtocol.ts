/**
 * The chat panel's side of the `zc.chat*` contract (docs/contracts.md): slash commands, the
 * argument object, and checking the server's replies.
 *
 * Pure: no `vscode` import and no DOM, so the webview bundle and the unit tests share it.
 */

export interface SlashCommand {
  name: string;
  hint: string;
  /** true: the client handles it itself (no model call) */
  local?: boolean;
}

/** The terminal chat's slash commands; the server answers them inside `message`. */
export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: "/explain", hint: "explain the selection or the current file" },
  { name: "/tests", hint: "write tests for the selection or the current file" },
  { name: "/review", hint: "review the selection or the current file" },
  { name: "/fix", hint: "propose a fix for the selection (Apply as edit)" },
  { name: "/clear", hint: "start a new chat (forget this conversation)", local: true },
  { name: "/help", hint: "list the commands" },
];

export interface ParsedMessage {
  /** "/explain" etc. when the text starts with a known command, else null */
  command: string | null;
  /** the text after the command (or the whole text) */
  rest: string;
  /** a leading "/word" that is not a known command */
  unknown: string | null;
}

/** Split "/fix the off-by-one" into the command and the rest; unknown commands are reported. */
export function parseMessage(text: string): ParsedMessage {
  const trimmed = text.trim();
  const m = /^(\/[A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (!m) return { command: null, rest: trimmed, unknown: null };
  const name = m[1].toLowerCase();
  const known = SLASH_COMMANDS.find((c) => c.name === name);
  if (!known) return { command: null, rest: trimmed, unknown: m[1] };
  return { command: known.name, rest: (m[2] ?? "").trim(), unknown: null };
}

/**
 * Commands to offer while the user types a command word: only when the input is a single "/word"
 * with no space yet (the hint list disappears once an argument starts).
 */
export function slashSuggestions(input: string): SlashCommand[] {
  const m = /^\s*(\/[\w-]*)$/.exec(input);
  if (!m) return [];
  const prefix = m[1].toLowerCase();
  return SLASH_COMMANDS.filter((c) => c.name.startsWith(prefix));
}

/** The "@" the user just typed starts a file mention when it begins a word. */
export function startsMention(textBeforeCaret: string): boolean {
  return /(^|\s)@$/.test(textBeforeCaret);
}

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface ChatArgs {
  message: string;
  uri?: string;
  range?: LspRange;
  files?: string[];
  conversation?: string;
  stream: string;
}

/** The one object argument of `zc.chat`; absent context is left out rather than sent as null. */
export function buildChatArgs(input: {
  message: string;
  stream: string;
  uri?: string;
  range?: LspRange;
  files?: readonly string[];
  conversation?: string;
}): ChatArgs {
  const args: ChatArgs = { message: input.message, stream: input.stream };
  if (input.uri) args.uri = input.uri;
  if (input.uri && input.range) args.range = input.range;
  const files = [...new Set((input.files ?? []).filter((f) => f && f !== input.uri))];
  if (files.length) args.files = files;
  if (input.conversation) args.conversation = input.conversation;
  return args;
}

export interface ChatReply {
  /** false: the server could not answer (the reason is in `error` and the notes) */
  ok: boolean;
  error: string;
  markdown: string;
  provider: string;
  model: string;
  conversation: string | undefined;
  cancelled: boolean;
  notes: string[];
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Normalise the server's reply; a reply that is not an object is an error, not an empty answer. */
export function parseChatReply(raw: unknown): ChatReply {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`zc.chat replied with ${raw === null ? "null" : typeof raw}, not an object`);
  }
  const r = raw as Record<string, unknown>;
  return {
    ok: r.ok !== false,
    error: str(r.error),
    markdown: str(r.markdown),
    provider: str(r.provider),
    model: str(r.model),
    conversation: typeof r.conversation === "string" && r.conversation ? r.conversation : undefined,
    cancelled: r.cancelled === true,
    notes: Array.isArray(r.notes) ? r.notes.filter((n): n is string => typeof n === "string" && n.length > 0) : [],
  };
}

export interface HistoryMessage {
  role: "user" | "assistant";
  markdown: string;
  provider?: string;
  model?: string;
  at?: number | string;
}

/** `zc.chat.history`'s reply; entries with an unknown role or no text are skipped. */
export function parseHistory(raw: unknown): { conversation: string | undefined; messages: HistoryMessage[] } {
  if (typeof raw !== "object" || raw === null) return { conversation: undefined, messages: [] };
  const r = raw as Record<string, unknown>;
  const messages: HistoryMessage[] = [];
  for (const m of Array.isArray(r.messages) ? r.messages : []) {
    if (typeof m !== "object" || m === null) continue;
    const e = m as Record<string, unknown>;
    if ((e.role !== "user" && e.role !== "assistant") || typeof e.markdown !== "string") continue;
    const item: HistoryMessage = { role: e.role, markdown: e.markdown };
    if (typeof e.provider === "string" && e.provider) item.provider = e.provider;
    if (typeof e.model === "string" && e.model) item.model = e.model;
    if (typeof e.at === "number" || typeof e.at === "string") item.at = e.at;
    messages.push(item);
  }
  return { conversation: typeof r.conversation === "string" && r.conversation ? r.conversation : undefined, messages };
}

/** "ollama/gemma3-270m" for the line under an answer; the provider alone when the model is unknown. */
export function provenanceLabel(provider: string | undefined, model: string | undefined): string {
  if (!provider) return "";
  return model ? `${provider}/${model}` : provider;
}

/** A `zc/chatDelta` notification's payload, or null when it is malformed. */
export function parseDelta(raw: unknown): { stream: string; text: string } | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.stream !== "string" || typeof r.text !== "string") return null;
  return { stream: r.stream, text: r.text };
}

interface TextEditLike {
  range: LspRange;
  newText: string;
}

function offsetAt(lineStarts: number[], text: string, pos: { line: number; character: number }): number {
  if (pos.line >= lineStarts.length) return text.length;
  const start = lineStarts[pos.line];
  const nextStart = pos.line + 1 < lineStarts.length ? lineStarts[pos.line + 1] : text.length;
  return Math.min(start + Math.max(0, pos.character), nextStart);
}

/**
 * Apply LSP text edits to a text (for the "Apply as edit" preview). Edits are applied from the
 * end so earlier offsets stay valid; overlapping edits are refused rather than guessed.
 * Characters are counted in UTF-16 code units, as VS Code and the LSP default do.
 */
export function applyTextEdits(text: string, edits: readonly TextEditLike[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const spans = edits
    .map((e) => ({ start: offsetAt(lineStarts, text, e.range.start), end: offsetAt(lineStarts, text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const s of spans) {
    if (s.end > limit || s.end < s.start) throw new Error("overlapping or inverted edits");
    out = out.slice(0, s.start) + s.newText + out.slice(s.end);
    limit = s.start;
  }
  return out;
}

/**
 * The text edits for one document out of the preview's `edit`, which may be a WorkspaceEdit
 * (`changes` or `documentChanges`) or a bare list of text edits. Returns null when it has none.
 */
export function editsForUri(edit: unknown, uri: string): TextEditLike[] | null {
  const isEdit = (e: unknown): e is TextEditLike =>
    typeof e === "object" && e !== null && typeof (e as TextEditLike).newText === "string" && typeof (e as TextEditLike).range === "object";
  if (Array.isArray(edit)) return edit.every(isEdit) ? edit : null;
  if (typeof edit !== "object" || edit === null) return null;
  const w = edit as { changes?: Record<string, unknown>; documentChanges?: unknown[] };
  const same = (a: string) => decodeURIComponent(a) === decodeURIComponent(uri);
  if (w.changes && typeof w.changes === "object") {
    for (const [k, v] of Object.entries(w.changes)) if (same(k) && Array.isArray(v) && v.every(isEdit)) return v;
  }
  if (Array.isArray(w.documentChanges)) {
    for (const dc of w.documentChanges) {
      const d = dc as { textDocument?: { uri?: string }; edits?: unknown[] };
      if (d?.textDocument?.uri && same(d.textDocument.uri) && Array.isArray(d.edits) && d.edits.every(isEdit)) return d.edits as TextEditLike[];
    }
  }
  return null;
}
