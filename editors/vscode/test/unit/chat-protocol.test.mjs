// The chat panel's side of the zc.chat* contract: slash commands, arguments, replies, preview edits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const p = require("../../out/chatProtocol.js");

test("slash commands are split from their argument; unknown ones are reported, not guessed", () => {
  assert.deepEqual(p.parseMessage("/fix the off-by-one"), { command: "/fix", rest: "the off-by-one", unknown: null });
  assert.deepEqual(p.parseMessage("  /EXPLAIN  "), { command: "/explain", rest: "", unknown: null });
  assert.deepEqual(p.parseMessage("/tests\nfor add()"), { command: "/tests", rest: "for add()", unknown: null });
  assert.deepEqual(p.parseMessage("/frobnicate x"), { command: null, rest: "/frobnicate x", unknown: "/frobnicate" });
  assert.deepEqual(p.parseMessage("what does /fix do?"), { command: null, rest: "what does /fix do?", unknown: null });
  assert.deepEqual(p.parseMessage("/usr/bin/python is slow"), { command: null, rest: "/usr/bin/python is slow", unknown: null });
});

test("the slash command list matches the terminal chat's", () => {
  assert.deepEqual(p.SLASH_COMMANDS.map((c) => c.name), ["/explain", "/tests", "/review", "/fix", "/clear", "/help"]);
  for (const c of p.SLASH_COMMANDS) assert.ok(c.hint.length > 5, c.name);
});

test("autocomplete hints appear for a command word being typed and vanish once an argument starts", () => {
  assert.deepEqual(p.slashSuggestions("/").map((c) => c.name), ["/explain", "/tests", "/review", "/fix", "/clear", "/help"]);
  assert.deepEqual(p.slashSuggestions("/t").map((c) => c.name), ["/tests"]);
  assert.deepEqual(p.slashSuggestions("/RE").map((c) => c.name), ["/review"]);
  assert.deepEqual(p.slashSuggestions("/fix "), []);
  assert.deepEqual(p.slashSuggestions("hello /"), []);
  assert.deepEqual(p.slashSuggestions("/zzz"), []);
});

test("an @ starts a file mention only at the start of a word", () => {
  assert.equal(p.startsMention("@"), true);
  assert.equal(p.startsMention("look at @"), true);
  assert.equal(p.startsMention("user@"), false);
  assert.equal(p.startsMention("@a"), false);
});

test("zc.chat gets one object; missing context is left out, the current file is not repeated in files", () => {
  const range = { start: { line: 1, character: 0 }, end: { line: 3, character: 0 } };
  assert.deepEqual(
    p.buildChatArgs({ message: "why?", stream: "s1", uri: "file:///a.py", range, files: ["file:///b.py", "file:///a.py", "file:///b.py"], conversation: "c1" }),
    { message: "why?", stream: "s1", uri: "file:///a.py", range, files: ["file:///b.py"], conversation: "c1" },
  );
  assert.deepEqual(p.buildChatArgs({ message: "hi", stream: "s2", range }), { message: "hi", stream: "s2" });
});

test("the reply is normalised; a non-object reply is an error, not an empty answer", () => {
  assert.deepEqual(
    p.parseChatReply({ markdown: "ok", provider: "ollama", model: "gemma3-270m", conversation: "c", cancelled: false, notes: ["used gemma3-270m", 3] }),
    { ok: true, error: "", markdown: "ok", provider: "ollama", model: "gemma3-270m", conversation: "c", cancelled: false, notes: ["used gemma3-270m"] },
  );
  const failed = p.parseChatReply({ ok: false, markdown: "No model answered.", error: "ollama: connection refused", provider: null });
  assert.equal(failed.ok, false);
  assert.equal(failed.error, "ollama: connection refused");
  assert.equal(failed.provider, "");
  assert.equal(p.parseChatReply({ markdown: "part", cancelled: true }).cancelled, true);
  assert.throws(() => p.parseChatReply(null), /not an object/);
  assert.throws(() => p.parseChatReply("text"), /not an object/);
  assert.equal(p.provenanceLabel("ollama", "gemma3-270m"), "ollama/gemma3-270m");
  assert.equal(p.provenanceLabel("offline", ""), "offline");
  assert.equal(p.provenanceLabel("", "x"), "");
});

test("history keeps well-formed messages only; deltas must carry a stream and text", () => {
  const h = p.parseHistory({ conversation: "c9", messages: [
    { role: "user", markdown: "q", at: 1 }, { role: "assistant", markdown: "a", provider: "ollama", model: "m" },
    { role: "system", markdown: "x" }, { role: "user" }, null,
  ] });
  assert.equal(h.conversation, "c9");
  assert.deepEqual(h.messages, [{ role: "user", markdown: "q", at: 1 }, { role: "assistant", markdown: "a", provider: "ollama", model: "m" }]);
  assert.deepEqual(p.parseHistory("nope"), { conversation: undefined, messages: [] });
  assert.deepEqual(p.parseDelta({ stream: "s", text: "x" }), { stream: "s", text: "x" });
  assert.equal(p.parseDelta({ stream: "s" }), null);
});

test("the preview's WorkspaceEdit is applied to the document text for the diff view", () => {
  const text = "import os\n\ndef add(a, b):\n    return a + b\n";
  const uri = "file:///w/calc.py";
  const edit = { changes: { [uri]: [
    { range: { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } }, newText: "def add(a: int, b: int) -> int:\n    return a + b\n" },
    { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: "" },
  ] } };
  const edits = p.editsForUri(edit, uri);
  assert.equal(p.applyTextEdits(text, edits), "\ndef add(a: int, b: int) -> int:\n    return a + b\n");
  const dc = { documentChanges: [{ textDocument: { uri: "file:///w/calc%2Epy", version: 3 }, edits: edit.changes[uri] }] };
  assert.ok(p.editsForUri(dc, uri), "documentChanges and percent-encoded URIs are understood");
  assert.equal(p.editsForUri({ changes: { "file:///other.py": [] } }, uri), null);
  assert.equal(p.editsForUri("diff text", uri), null);
});

test("overlapping edits are refused instead of producing a wrong preview", () => {
  const r = (a, b) => ({ start: { line: 0, character: a }, end: { line: 0, character: b } });
  assert.throws(() => p.applyTextEdits("abcdef", [{ range: r(0, 3), newText: "x" }, { range: r(2, 4), newText: "y" }]), /overlapping/);
  assert.equal(p.applyTextEdits("abcdef", [{ range: r(0, 1), newText: "X" }, { range: r(5, 99), newText: "F!" }]), "XbcdeF!");
});
