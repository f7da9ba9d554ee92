# Pinned versions of what bootstrap.sh installs; read by the TypeScript side too (infra/src/tools.ts).
TEMPORAL_CLI_VERSION=v1.5.1 # later tags carry a go.mod `replace` that `go install` refuses
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
TOOLS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/copyreg"
DEBIAN_PACKAGES=(postgresql poppler-utils qpdf chromium fonts-noto-cjk libnss3-tools)
