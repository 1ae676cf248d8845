/**
 * Markdown → safe HTML for the chat panel: markdown-it with raw HTML off, highlight.js for code,
 * and a toolbar on every code block. The model's text is untrusted, so:
 * - raw HTML is escaped (`html: false`), images are off (the CSP would block remote ones anyway),
 * - links keep markdown-it's scheme check (no javascript:/vbscript:/file:/data:) and only
 *   http(s) and mailto are rendered as links (the webview opens them through the extension),
 * - no `style` attribute is ever emitted (the CSP forbids inline styles): table alignment
 *   becomes a class.
 *
 * Pure: runs in the webview bundle and under node's test runner.
 */
import MarkdownIt from "markdown-it";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import diff from "highlight.js/lib/languages/diff";
import ini from "highlight.js/lib/languages/ini";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const LANGUAGES = { bash, diff, ini, javascript, json, markdown, plaintext, python, shell, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);
hljs.registerAliases(["py", "python3", "pycon"], { languageName: "python" });
hljs.registerAliases(["sh", "zsh", "console"], { languageName: "bash" });
hljs.registerAliases(["js"], { languageName: "javascript" });
hljs.registerAliases(["ts"], { languageName: "typescript" });
hljs.registerAliases(["yml"], { languageName: "yaml" });
hljs.registerAliases(["toml", "cfg"], { languageName: "ini" });
hljs.registerAliases(["html"], { languageName: "xml" });

export interface CodeBlock {
  /** the fence's language word ("python"), "" when none */
  lang: string;
  code: string;
}

export interface Rendered {
  html: string;
  blocks: CodeBlock[];
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
md.disable("image");

const SAFE_LINK = /^(https?:|mailto:)/i;

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const href = tokens[idx].attrGet("href") ?? "";
  if (!SAFE_LINK.test(href)) {
    tokens[idx].attrs = [];
    tokens[idx].attrSet("class", "zc-link-off");
    tokens[idx].tag = "span";
    return self.renderToken(tokens, idx, options);
  }
  tokens[idx].attrSet("class", "zc-link");
  tokens[idx].attrSet("data-href", href);
  tokens[idx].attrSet("href", href);
  return self.renderToken(tokens, idx, options);
};
md.renderer.rules.link_close = (tokens, idx, options, _env, self) => {
  // a link_close belongs to the nearest open link before it; mirror the tag chosen there
  let depth = 0;
  for (let i = idx - 1; i >= 0; i--) {
    if (tokens[i].type === "link_close") depth++;
    if (tokens[i].type === "link_open") {
      if (depth === 0) {
        tokens[idx].tag = tokens[i].tag;
        break;
      }
      depth--;
    }
  }
  return self.renderToken(tokens, idx, options);
};

// Table alignment arrives as style="text-align:…"; the CSP forbids inline styles.
md.core.ruler.push("zc_no_inline_style", (state) => {
  for (const token of state.tokens) {
    const style = token.attrGet("style");
    if (style === null) continue;
    token.attrs = (token.attrs ?? []).filter(([k]) => k !== "style");
    const align = /text-align:\s*(left|right|center)/.exec(style);
    if (align) token.attrJoin("class", `zc-align-${align[1]}`);
  }
});

function highlight(code: string, lang: string): string {
  const name = lang && hljs.getLanguage(lang) ? lang : "";
  if (!name) return escapeHtml(code);
  return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
}

interface Env {
  blocks: CodeBlock[];
  streaming: boolean;
  fenceCount: number;
}

md.renderer.rules.fence = (tokens, idx, _options, env: Env) => {
  const token = tokens[idx];
  const lang = (token.info || "").trim().split(/\s+/)[0].toLowerCase().replace(/[^\w+#.-]/g, "");
  const code = token.content;
  const index = env.blocks.length;
  env.blocks.push({ lang, code });
  env.fenceCount++;
  const label = lang || "code";
  // while streaming, the last block may still be growing: no Apply/Insert until it is complete
  const open = env.streaming && token.markup && !closedFence(token);
  // a diff (e.g. /fix's answer) is not code to put in the file: inserting it would corrupt it
  const isPatch = lang === "diff" || lang === "patch";
  const actions = open
    ? `<span class="zc-muted">writing…</span>`
    : [
        ["insert", "Insert at cursor", `Insert this ${label} block at the cursor`],
        ["copy", "Copy", `Copy this ${label} block`],
        ["apply", "Apply as edit", `Apply this ${label} block as an edit (shows a diff first)`],
      ]
        .filter(([action]) => !isPatch || action === "copy")
        .map(([action, text, aria]) => `<button type="button" class="zc-btn zc-code-btn" data-action="${action}" data-block="${index}" aria-label="${escapeHtml(aria)}">${text}</button>`)
        .join("");
  return (
    `<div class="zc-code" data-block="${index}">` +
    `<div class="zc-code-bar"><span class="zc-code-lang">${escapeHtml(label)}</span><span class="zc-code-actions">${actions}</span></div>` +
    `<pre><code class="hljs${lang ? ` language-${escapeHtml(lang)}` : ""}">${highlight(code, lang)}</code></pre></div>\n`
  );
};

/** markdown-it marks an unterminated fence by leaving no closing marker line: see `closed` below. */
function closedFence(token: { map: [number, number] | null; meta: unknown }): boolean {
  return (token.meta as { closed?: boolean } | null)?.closed === true;
}

// Record whether each fence was closed, so a streaming answer does not offer half a block.
md.core.ruler.push("zc_fence_closed", (state) => {
  const lines = state.src.split("\n");
  for (const token of state.tokens) {
    if (token.type !== "fence" || !token.map) continue;
    const last = lines[token.map[1] - 1] ?? "";
    const closed = token.map[1] - token.map[0] >= 2 && last.trim().startsWith(token.markup) && last.trim().replace(/[`~]/g, "") === "";
    token.meta = { ...(token.meta ?? {}), closed };
  }
});

/**
 * Render one message. `streaming` marks an answer that is still arriving: a code block whose
 * fence is not closed yet gets no buttons.
 */
export function renderMarkdown(text: string, streaming = false): Rendered {
  const env: Env = { blocks: [], streaming, fenceCount: 0 };
  const html = md.render(typeof text === "string" ? text : "", env);
  return { html, blocks: env.blocks };
}
