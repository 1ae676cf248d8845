#!/usr/bin/env bash
# Installs everything the tests need (Python packages, neovim, chromium, code-server, espeak-ng) and runs all tests.
# Used by README and by .ci/run. Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v nvim >/dev/null 2>&1 || need_apt+=(neovim)
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need_apt+=(sox)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
command -v emacs >/dev/null 2>&1 || need_apt+=(emacs-nox)
ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1 || need_apt+=(elpa-eglot)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

echo "== installing Python packages"
python3 -m pip install -q --disable-pip-version-check -e ".[dev]"

if [ -x scripts/install-editor-tools.sh ]; then
  echo "== installing editor end-to-end tools"
  bash scripts/install-editor-tools.sh
fi

echo "== running tests"
set +e
python3 -m pytest -q -p no:cacheprovider "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$code"
