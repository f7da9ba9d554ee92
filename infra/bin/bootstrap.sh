#!/usr/bin/env bash
# Installs what the platform needs and is missing: Debian packages, the Go-built servers
# (Temporal CLI, MinIO; the Temporal cluster's server, SQL tool and Web UI) into a per-user
# cache outside the clone, and the npm dependencies.
# Idempotent: a second run, or a fresh clone on the same machine, finds everything and skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/bin/versions.sh

log() { printf '\033[36m[bootstrap]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------------
# SoftHSM2: the PKCS#11 token the certificate service's office key tests sign with.
DEBIAN_PACKAGES+=(softhsm2)
# HAProxy: the proxy in front of the API replicas of the cluster topology (infra/src/replicas.ts).
DEBIAN_PACKAGES+=(haproxy)
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

# The production Temporal cluster (`npm run stack:cluster`, infra/src/cluster.ts): the server
# and its SQL tool from one module, with the module's PostgreSQL schema copied beside them (the
# Go module cache may be cleaned later); and the Web UI server. Most of their packages are
# already in Go's build cache from the CLI above, which links the same server version.
cluster_tools() {
  local dir="$TOOLS_CACHE/temporal-server-$TEMPORAL_SERVER_VERSION"
  if [ ! -x "$dir/server" ] || [ ! -x "$dir/sql" ] || [ ! -f "$dir/schema/postgresql/v12/temporal/schema.sql" ]; then
    command -v go >/dev/null || { log "Go is needed to build the Temporal server"; exit 1; }
    log "building the Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool with go install (first run only; a few minutes)"
    GOBIN="$dir" GOFLAGS=-buildvcs=false go install \
      "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
      "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
    local src
    src="$(go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    [ -d "$src/schema/postgresql/v12" ] || { log "no schema/postgresql/v12 in $src"; exit 1; }
    rm -rf "$dir/schema" && mkdir -p "$dir/schema/postgresql"
    cp -R "$src/schema/postgresql/v12" "$dir/schema/postgresql/v12"
    chmod -R u+w "$dir/schema"
  fi
  local ui="$TOOLS_CACHE/temporal-ui-server-$TEMPORAL_UI_SERVER_VERSION"
  if [ ! -x "$ui/server" ]; then
    log "building the Temporal Web UI server $TEMPORAL_UI_SERVER_VERSION with go install (first run only)"
    GOBIN="$ui" GOFLAGS=-buildvcs=false go install "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_SERVER_VERSION"
  fi
}
cluster_tools

# --- npm dependencies -------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund
fi
