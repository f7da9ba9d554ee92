#!/usr/bin/env bash
# Installs what the platform needs and is missing: Debian packages, the Go-built servers
# (Temporal CLI, MinIO) into a per-user cache outside the clone, and the npm dependencies.
# Idempotent: a second run, or a fresh clone on the same machine, finds everything and skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/bin/versions.sh

log() { printf '\033[36m[bootstrap]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------------
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian's postgresql package creates and starts a default cluster; the platform runs its own.
fi

# --- Go-built servers -------------------------------------------------------------------
go_tool() { # name module version
  local dir="$TOOLS_CACHE/$1-$3"
  if [ ! -x "$dir/$1" ]; then
    command -v go >/dev/null || { log "Go is needed to build $1"; exit 1; }
    log "building $1 $3 with go install (first run only; a few minutes)"
    GOBIN="$dir" GOFLAGS=-buildvcs=false go install "$2@$3"
  fi
}
go_tool temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION"
go_tool minio github.com/minio/minio "$MINIO_VERSION"

# --- npm dependencies -------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund
fi
