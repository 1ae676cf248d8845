#!/usr/bin/env bash
# Build the extension once (esbuild, minified) and package it as two VSIX files:
#   editors/vscode/zombiecoder-<ver>.vsix          for VS Code (and code-server)
#   editors/cursor/zombiecoder-cursor-<ver>.vsix   for Cursor (same extension; engines ^1.85)
# Needs the npm dependencies in editors/vscode (scripts/install-editor-tools.sh, or npm install).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/editors/vscode"
cd "$EXT"
[ -d node_modules/esbuild ] || npm install --no-audit --no-fund --loglevel=error
t0=$(date +%s%N)
VERSION="$(node -p "require('./package.json').version")"
node build.mjs --production
npx --no-install tsc --noEmit -p .
OUT="$EXT/zombiecoder-$VERSION.vsix"
# --no-dependencies: everything is in the esbuild bundle; --skip-license: the repo root holds it.
npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository \
  --no-update-package-json -o "$OUT" >/dev/null
CURSOR_OUT="$ROOT/editors/cursor/zombiecoder-cursor-$VERSION.vsix"
cp "$OUT" "$CURSOR_OUT"
echo "$OUT"
echo "$CURSOR_OUT"
echo "built in $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
