#!/usr/bin/env bash
# Build the extension once (esbuild, minified) and package it as two VSIX files:
#   editors/vscode/zombiecoder-<ver>.vsix          for VS Code (and code-server)
#   editors/cursor/zombiecoder-cursor-<ver>.vsix   for Cursor (same extension; engines ^1.85)
# Needs the npm dependencies in editors/vscode (scripts/install-editor-tools.sh, or npm install),
# and pip for the server wheel bundled in the VSIX ($ZC_PYTHON, else .venv/bin/python, else python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/editors/vscode"
cd "$EXT"
[ -d node_modules/esbuild ] || npm install --no-audit --no-fund --loglevel=error
t0=$(date +%s%N)
VERSION="$(node -p "require('./package.json').version")"
# The server wheel the VSIX ships, so "Install ZombieCoder" installs from it (never from an index).
PY="${ZC_PYTHON:-}"
[ -n "$PY" ] || { [ -x "$ROOT/.venv/bin/python" ] && PY="$ROOT/.venv/bin/python"; } || PY="python3"
rm -rf "$EXT/bundled"
mkdir -p "$EXT/bundled"
"$PY" -m pip wheel --no-deps --quiet "$ROOT" -w "$EXT/bundled" >&2
ls "$EXT"/bundled/zombiecoder-*.whl >/dev/null
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
