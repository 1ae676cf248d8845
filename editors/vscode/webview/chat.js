/*
 * Webview side of the chat panel (bundled by build.mjs into dist/chat.js). The extension owns the
 * transcript and sends {type: reset|turn|delta|busy|context|focusInput|mentioned}; this script
 * renders it and posts the user's actions back. Model text is rendered by chatRender (markdown-it,
 * raw HTML off); nothing here assigns untrusted text to innerHTML except that renderer's output.
 * No inline styles or handlers: one delegated click listener, buttons carry data-action.
 */
import { renderMarkdown, escapeHtml } from "../src/chatRender";
import { provenanceLabel, slashSuggestions, startsMention } from "../src/chatProtocol";

const vscode = acquireVsCodeApi();
const log = document.getElementById("log");
const input = document.getElementById("input");
const suggest = document.getElementById("suggest");
const contextEl = document.getElementById("context");
const sendBtn = document.getElementById("send");
const stopBtn = document.getElementById("stop");

/** @type {Array<any>} */
let turns = [];
let busy = false;
/** code blocks of each rendered turn, by turn id */
const blocks = new Map();
let suggestions = [];
let selected = 0;
const dirty = new Set();
let frame = 0;

const saved = vscode.getState() || {};
if (typeof saved.draft === "string") input.value = saved.draft;

function turnEl(id) {
  return log.querySelector(`[data-turn="${CSS.escape(id)}"]`);
}

function footer(turn) {
  const parts = [];
  if (turn.state === "streaming") parts.push('<span class="zc-muted">answering…</span>');
  const prov = provenanceLabel(turn.provider, turn.model);
  if (prov) parts.push(`<span class="zc-prov" data-role="provenance">answered by ${escapeHtml(prov)}</span>`);
  if (turn.state === "stopped") parts.push('<span class="zc-badge">stopped</span>');
  if (turn.state === "error") parts.push('<span class="zc-badge zc-error-badge">error</span>');
  for (const note of turn.notes || []) parts.push(`<div class="zc-note">${escapeHtml(note)}</div>`);
  return parts.join(" ");
}

function renderTurn(turn) {
  let el = turnEl(turn.id);
  if (!el) {
    el = document.createElement("div");
    el.className = "zc-turn";
    el.setAttribute("data-turn", turn.id);
    log.appendChild(el);
  }
  el.className = `zc-turn zc-${turn.role} zc-state-${turn.state}`;
  el.setAttribute("data-role", turn.role);
  if (turn.role === "user") {
    const ctx = turn.context ? `<div class="zc-muted zc-small">about ${escapeHtml(turn.context.label)}${(turn.files || []).map((f) => `, @${escapeHtml(f.label)}`).join("")}</div>` : "";
    el.innerHTML = `<div class="zc-who">You</div><div class="zc-body zc-user-text">${escapeHtml(turn.markdown)}</div>${ctx}`;
    return;
  }
  const rendered = renderMarkdown(turn.markdown, turn.state === "streaming");
  blocks.set(turn.id, rendered.blocks);
  el.innerHTML =
    `<div class="zc-who">ZombieCoder</div><div class="zc-body zc-md">${rendered.html || (turn.state === "streaming" ? "" : '<span class="zc-muted">(no answer)</span>')}</div>` +
    `<div class="zc-foot">${footer(turn)}</div>`;
}

function scrollToEnd() {
  log.scrollTop = log.scrollHeight;
}

function flush() {
  frame = 0;
  for (const id of dirty) {
    const turn = turns.find((t) => t.id === id);
    if (turn) renderTurn(turn);
  }
  dirty.clear();
  scrollToEnd();
}

function schedule(id) {
  dirty.add(id);
  if (!frame) frame = requestAnimationFrame(flush);
}

function setBusy(value) {
  busy = value;
  stopBtn.hidden = !busy;
  sendBtn.disabled = busy;
  sendBtn.setAttribute("aria-disabled", String(busy));
  log.setAttribute("aria-busy", String(busy));
}

function showContext(ctx, files) {
  const parts = [];
  parts.push(ctx ? `<span class="zc-chip" title="sent as context">${escapeHtml(ctx.label)}</span>` : '<span class="zc-muted">no file open: the question goes alone</span>');
  for (const f of files || []) {
    parts.push(
      `<span class="zc-chip">@${escapeHtml(f.label)} <button type="button" class="zc-chip-x" data-action="removeFile" data-uri="${escapeHtml(f.uri)}" aria-label="Remove ${escapeHtml(f.label)} from the question">×</button></span>`,
    );
  }
  contextEl.innerHTML = parts.join(" ");
}

function drawSuggestions() {
  suggestions = slashSuggestions(input.value);
  if (!suggestions.length) {
    suggest.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    return;
  }
  if (selected >= suggestions.length) selected = 0;
  suggest.innerHTML = suggestions
    .map(
      (s, i) =>
        `<li id="zc-sug-${i}" role="option" class="zc-sug${i === selected ? " zc-sug-on" : ""}" aria-selected="${i === selected}" data-action="complete" data-name="${escapeHtml(s.name)}"><b>${escapeHtml(s.name)}</b> <span class="zc-muted">${escapeHtml(s.hint)}</span></li>`,
    )
    .join("");
  suggest.hidden = false;
  input.setAttribute("aria-expanded", "true");
  input.setAttribute("aria-activedescendant", `zc-sug-${selected}`);
}

function complete(name) {
  input.value = `${name} `;
  selected = 0;
  drawSuggestions();
  input.focus();
}

function send() {
  const text = input.value.trim();
  if (!text || busy) return;
  vscode.postMessage({ type: "send", text });
  input.value = "";
  vscode.setState({ draft: "" });
  drawSuggestions();
}

input.addEventListener("keydown", (e) => {
  if (!suggest.hidden && suggestions.length) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      selected = (selected + (e.key === "ArrowDown" ? 1 : suggestions.length - 1)) % suggestions.length;
      drawSuggestions();
      e.preventDefault();
      return;
    }
    if (e.key === "Tab" || (e.key === "Enter" && !e.shiftKey && input.value.trim() !== suggestions[selected].name)) {
      complete(suggestions[selected].name);
      e.preventDefault();
      return;
    }
  }
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
    return;
  }
  if (e.key === "Escape") {
    if (!suggest.hidden) {
      suggest.hidden = true;
      input.setAttribute("aria-expanded", "false");
    } else if (busy) {
      vscode.postMessage({ type: "stop" });
    }
    e.preventDefault();
  }
});

input.addEventListener("input", () => {
  vscode.setState({ draft: input.value });
  drawSuggestions();
  const before = input.value.slice(0, input.selectionStart ?? input.value.length);
  if (startsMention(before)) vscode.postMessage({ type: "pickFile" });
});

// Esc stops from anywhere in the panel (e.g. after clicking a button), not only from the input
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && busy && e.target !== input) {
    vscode.postMessage({ type: "stop" });
    e.preventDefault();
  }
});

document.addEventListener("click", (e) => {
  const target = e.target instanceof Element ? e.target.closest("[data-action], a[data-href]") : null;
  if (!target) return;
  if (target.matches("a[data-href]")) {
    e.preventDefault();
    vscode.postMessage({ type: "openLink", href: target.getAttribute("data-href") });
    return;
  }
  const action = target.getAttribute("data-action");
  if (action === "complete") {
    complete(target.getAttribute("data-name"));
    return;
  }
  if (action === "removeFile") {
    vscode.postMessage({ type: "removeFile", uri: target.getAttribute("data-uri") });
    return;
  }
  if (action === "insert" || action === "copy" || action === "apply") {
    const turnNode = target.closest("[data-turn]");
    const id = turnNode && turnNode.getAttribute("data-turn");
    const block = (blocks.get(id) || [])[Number(target.getAttribute("data-block"))];
    if (!block) return;
    vscode.postMessage({ type: action, turn: id, code: block.code, lang: block.lang });
  }
});

sendBtn.addEventListener("click", send);
stopBtn.addEventListener("click", () => vscode.postMessage({ type: "stop" }));
document.getElementById("newchat").addEventListener("click", () => vscode.postMessage({ type: "newChat" }));
document.getElementById("mention").addEventListener("click", () => vscode.postMessage({ type: "pickFile" }));

window.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || typeof msg !== "object") return;
  switch (msg.type) {
    case "reset":
      turns = Array.isArray(msg.turns) ? msg.turns : [];
      log.textContent = "";
      blocks.clear();
      if (!turns.length) {
        log.innerHTML = '<div class="zc-empty zc-muted">Ask about the selection or the current file. <b>/</b> lists commands, <b>@</b> adds a file, <b>Esc</b> stops an answer.</div>';
      }
      for (const t of turns) renderTurn(t);
      setBusy(!!msg.busy);
      showContext(msg.context, msg.files);
      scrollToEnd();
      return;
    case "turn": {
      if (!msg.turn || typeof msg.turn.id !== "string") return;
      const empty = log.querySelector(".zc-empty");
      if (empty) empty.remove();
      const i = turns.findIndex((t) => t.id === msg.turn.id);
      if (i >= 0) turns[i] = msg.turn;
      else turns.push(msg.turn);
      renderTurn(msg.turn);
      scrollToEnd();
      return;
    }
    case "delta": {
      const turn = turns.find((t) => t.id === msg.id);
      if (!turn || typeof msg.text !== "string") return;
      turn.markdown += msg.text;
      schedule(turn.id);
      return;
    }
    case "busy":
      setBusy(!!msg.busy);
      if (!msg.busy) input.focus();
      return;
    case "context":
      showContext(msg.context, msg.files);
      return;
    case "mentioned": {
      // the "@" typed in the input becomes "@name"
      const pos = input.selectionStart ?? input.value.length;
      const before = input.value.slice(0, pos);
      if (before.endsWith("@") && typeof msg.label === "string") {
        input.value = `${before}${msg.label} ${input.value.slice(pos)}`;
      }
      input.focus();
      return;
    }
    case "focusInput":
      input.focus();
      return;
    default:
      return;
  }
});

setBusy(false);
vscode.postMessage({ type: "ready" });
