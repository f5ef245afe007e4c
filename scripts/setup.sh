#!/usr/bin/env bash
# Set up sea-lsp in ./.venv: the CPU build of torch first (a bare `torch` requirement
# would pull a multi-GB CUDA build), then the package in editable mode.
#   bash scripts/setup.sh          # runtime only
#   bash scripts/setup.sh --test   # plus the test and training extras
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
VPY=.venv/bin/python
quiet=(-q --disable-pip-version-check)
if ! "$VPY" -c "import torch" >/dev/null 2>&1; then
    echo "sea-lsp setup: installing torch (CPU build)" >&2
    "$VPY" -m pip install "${quiet[@]}" "torch==2.13.0" \
        || "$VPY" -m pip install "${quiet[@]}" --index-url https://download.pytorch.org/whl/cpu torch
fi
extra=""
if [ "${1:-}" = "--test" ]; then extra="[test]"; fi
stamp=".venv/.sea-setup${extra}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "sea-lsp setup: installing sea-lsp${extra}" >&2
    "$VPY" -m pip install "${quiet[@]}" -e ".${extra}"
    touch "$stamp"
fi
# --test: Emacs with eglot, the third real client of the end-to-end suite
# (tests/editors/test_emacs.py skips with the reason when it is absent). Debian/Ubuntu
# packages through apt; never fatal, so a machine without apt still sets up.
if [ "${1:-}" = "--test" ] && ! command -v emacs >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    sudo_=()
    if [ "$(id -u)" != 0 ]; then sudo_=(sudo -n); fi
    echo "sea-lsp setup: installing emacs-nox and elpa-eglot (apt) for the editor tests" >&2
    if ! { "${sudo_[@]}" apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive "${sudo_[@]}" apt-get install -y -qq \
            --no-install-recommends emacs-nox elpa-eglot; } >&2; then
        echo "sea-lsp setup: could not install Emacs (apt); the Emacs e2e test will skip" >&2
    fi
fi
