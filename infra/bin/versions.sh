# Pinned versions of what bootstrap.sh installs; read by the TypeScript side too (infra/src/tools.ts).
TEMPORAL_CLI_VERSION=v1.5.1 # later tags carry a go.mod `replace` that `go install` refuses
# The production Temporal server (frontend, history, matching, worker as separate processes) and
# its SQL schema tool, from one module; the Web UI server for it (the one the CLI embeds).
TEMPORAL_SERVER_VERSION=v1.29.1 # go.mod without `replace`; the schema ships in the module
TEMPORAL_UI_SERVER_VERSION=v2.42.1 # the version the CLI above embeds; assets inside the module
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
TOOLS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/copyreg"
DEBIAN_PACKAGES=(postgresql poppler-utils qpdf chromium fonts-noto-cjk libnss3-tools openssl)
