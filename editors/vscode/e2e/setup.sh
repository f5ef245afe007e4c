#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, on a fresh Debian machine, idempotently:
#   - Debian packages: chromium (the browser playwright drives) and the build tools that
#     code-server's native modules compile with;
#   - code-server@4.100.3 (VS Code 1.100.3; the newest release for Node 20) from npm, with
#     @vscode/ripgrep fed Debian's rg instead of downloading one;
#   - playwright-core (from editors/vscode/e2e/package-lock.json).
# Everything big goes to $SEA_E2E_CACHE (default ~/.cache/sea-lsp-e2e), outside the checkout,
# so fresh clones on the same machine reuse it. Prints the paths it set up as KEY=VALUE lines.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SEA_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sea-lsp-e2e}"
mkdir -p "$CACHE"

log() { echo "[setup.sh] $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else log "need root (or sudo) to run: $*"; return 1
  fi
}

# 1. Debian packages -------------------------------------------------------------------------
APT_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev make g++ python3 tar gzip)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  if ! { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }; then
    log "apt-get install failed for: ${missing[*]}"
    [ -x /usr/bin/chromium ] || exit 3
    exit 5
  fi
fi
# Exit status 3 means "no browser": the e2e test is skipped, not failed, on such machines.
[ -x /usr/bin/chromium ] || { log "/usr/bin/chromium missing after install"; exit 3; }

# 2. code-server -------------------------------------------------------------------------------
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [ -f "$CS_DIR/.installed" ] && [ -f "$CS_BIN" ]; then
  log "code-server $CODE_SERVER_VERSION already in $CS_DIR"
else
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (a few minutes)"
  RG_TMP="$CACHE/rg-tmp"
  RG_CACHE="$RG_TMP/vscode-ripgrep-cache-1.15.11"
  RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$RG_TAR" ]; then
    work="$(mktemp -d)"
    (cd "$work" && apt-get download ripgrep >&2 && dpkg-deb -x ripgrep_*.deb x \
      && mkdir -p "$RG_CACHE" && tar czf "$RG_TAR" -C x/usr/bin rg)
    rm -rf "$work"
  fi
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"name":"sea-lsp-e2e-code-server","private":true}' >"$CS_DIR/package.json"
  (cd "$CS_DIR" && TMPDIR="$RG_TMP" npm_config_nodedir=/usr npm_config_yes=true \
    npm install --no-audit --no-fund --unsafe-perm --foreground-scripts \
    "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1) || {
    log "code-server install failed; last lines of $CACHE/code-server-install.log:"
    tail -40 "$CACHE/code-server-install.log" >&2
    exit 4
  }
  [ -f "$CS_BIN" ] || { log "code-server entry point $CS_BIN missing after install"; exit 4; }
  touch "$CS_DIR/.installed"
fi

# 3. playwright-core ---------------------------------------------------------------------------
LOCK_SUM="$(sha256sum "$HERE/package-lock.json" | cut -c1-16)"
if [ -f "$HERE/node_modules/.lock-$LOCK_SUM" ] && [ -d "$HERE/node_modules/playwright-core" ]; then
  log "playwright-core up to date"
else
  log "installing playwright-core (npm ci in $HERE)"
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
  touch "$HERE/node_modules/.lock-$LOCK_SUM"
fi

echo "CODE_SERVER=$CS_BIN"
echo "CHROMIUM=/usr/bin/chromium"
echo "E2E_CACHE=$CACHE"
