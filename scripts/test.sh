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
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO="sudo"
    else
      echo "scripts/test.sh needs these Debian packages and cannot install them (not root, no sudo):" >&2
      echo "  sudo apt-get install ${need_apt[*]}" >&2
      echo "Install them, or run as root, then run this script again." >&2
      exit 2
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh needs: ${need_apt[*]} (no apt-get here: install them with your package manager)" >&2
    exit 2
  fi
  echo "== installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Python packages go into a virtual environment (.venv), so the script works on Pythons that refuse
# system-wide installs (Debian's "externally-managed-environment"); an active venv is used as it is.
PY=python3
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv || { echo "python3 -m venv failed: on Debian/Ubuntu install python3-venv" >&2; exit 2; }
  fi
  PY="$PWD/.venv/bin/python"
  export PATH="$PWD/.venv/bin:$PATH"
fi

echo "== installing Python packages"
"$PY" -m pip install -q --disable-pip-version-check -e ".[dev]"

if [ -x scripts/install-editor-tools.sh ]; then
  echo "== installing editor end-to-end tools"
  bash scripts/install-editor-tools.sh
fi

echo "== running tests"
set +e
"$PY" -m pytest -q -p no:cacheprovider "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$code"
