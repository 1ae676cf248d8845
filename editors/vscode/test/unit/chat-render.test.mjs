// Chat answers: Markdown → HTML that is safe to put in the webview (model text is untrusted).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { renderMarkdown, escapeHtml } = require("../../out/chatRender.js");

test("raw HTML from the model is escaped, never rendered", () => {
  const { html } = renderMarkdown('Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <b onclick="x()">b</b>');
  assert.ok(!/<script/i.test(html), html);
  assert.ok(!/<img/i.test(html), html);
  assert.ok(!/<b /i.test(html), html);
  assert.ok(html.includes("&lt;script&gt;"), html);
});

test("javascript:, data: and file: links are not links; http(s) links are, and are opened by the extension", () => {
  const { html } = renderMarkdown("[a](javascript:alert(1)) [b](data:text/html;base64,xx) [c](file:///etc/passwd) [d](https://example.com/x)");
  assert.ok(!/href="(javascript|data|file):/i.test(html), html);
  assert.equal((html.match(/<a /g) || []).length, 1, html);
  assert.ok(html.includes('data-href="https://example.com/x"'), html);
});

test("images are not rendered (no remote fetches from the webview)", () => {
  const { html } = renderMarkdown("![x](https://evil.example/track.png)");
  assert.ok(!/<img/i.test(html), html);
});

test("no style attribute is emitted, even for aligned tables (the CSP forbids inline styles)", () => {
  const { html } = renderMarkdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
  assert.ok(html.includes("<table>"), html);
  assert.ok(!/style=/i.test(html), html);
  assert.ok(html.includes('class="zc-align-left"') && html.includes('class="zc-align-right"'), html);
});

test("code blocks are highlighted, collected with their exact code, and get the three actions", () => {
  const code = "def add(a, b):\n    return a + b  # <sum>\n";
  const { html, blocks } = renderMarkdown(`Here:\n\n\`\`\`python\n${code}\`\`\`\n\nand\n\n\`\`\`\nplain\n\`\`\`\n`);
  assert.deepEqual(blocks, [{ lang: "python", code }, { lang: "", code: "plain\n" }]);
  assert.ok(html.includes('class="hljs-keyword"'), html);
  assert.ok(html.includes("&lt;sum&gt;"), "code text is escaped inside the highlight");
  for (const action of ["insert", "copy", "apply"]) {
    assert.equal((html.match(new RegExp(`data-action="${action}"`, "g")) || []).length, 2, action);
  }
  assert.ok(/aria-label="Apply this python block as an edit/.test(html), "buttons have accessible labels");
});

test("while streaming, an unfinished code block offers no actions; once closed it does", () => {
  const partial = renderMarkdown("Fix:\n\n```python\ndef add(a, b):\n    return a", true);
  assert.equal(partial.blocks.length, 1);
  assert.ok(!partial.html.includes('data-action="apply"'), partial.html);
  const closed = renderMarkdown("Fix:\n\n```python\ndef add(a, b):\n    return a\n```\n", true);
  assert.ok(closed.html.includes('data-action="apply"'), closed.html);
  const done = renderMarkdown("Fix:\n\n```python\ndef add(a, b):\n    return a", false);
  assert.ok(done.html.includes('data-action="apply"'), "a finished answer's unterminated block is still usable");
});

test("an unknown fence language is escaped plain text with a sanitised class", () => {
  const { html, blocks } = renderMarkdown('```evil"><x\n<y>\n```\n');
  assert.ok(!html.includes('"><x'), html);
  assert.ok(html.includes("&lt;y&gt;"), html);
  assert.equal(blocks[0].code, "<y>\n");
});

test("non-string input renders as empty", () => {
  assert.deepEqual(renderMarkdown(undefined), { html: "", blocks: [] });
  assert.equal(escapeHtml(`<a href="x">'`), "&lt;a href=&quot;x&quot;&gt;&#39;");
});

test("a diff block (e.g. /fix's answer) can be copied but not inserted or applied as code", () => {
  const { html, blocks } = renderMarkdown("```diff\n--- a/calc.py\n+++ b/calc.py\n@@ -1 +1 @@\n-import os\n+\n```\n");
  assert.equal(blocks[0].lang, "diff");
  assert.ok(html.includes('data-action="copy"'), html);
  assert.ok(!html.includes('data-action="apply"') && !html.includes('data-action="insert"'), html);
});
