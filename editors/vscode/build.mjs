// One esbuild bundle (vscode external) for the extension, one browser bundle for the chat
// webview (markdown-it + highlight.js); `--test-only` builds the pure modules the unit tests load
// (out/*.js) without bundling the extension.
import * as esbuild from "esbuild";

const testOnly = process.argv.includes("--test-only");
const production = process.argv.includes("--production");

await esbuild.build({
  entryPoints: ["src/settings.ts", "src/restartPolicy.ts", "src/chatProtocol.ts", "src/chatRender.ts", "src/completionToggle.ts", "src/install.ts"],
  outdir: "out",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  logLevel: "warning",
});

if (!testOnly) {
  await esbuild.build({
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    external: ["vscode"],
    sourcemap: production ? false : "linked",
    minify: production,
    logLevel: "warning",
  });
  await esbuild.build({
    entryPoints: ["webview/chat.js"],
    outfile: "dist/chat.js",
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2020",
    sourcemap: false,
    minify: production,
    logLevel: "warning",
  });
}
