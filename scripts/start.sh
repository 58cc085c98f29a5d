#!/usr/bin/env bash
# Installs everything a fresh clone needs, then runs the main job: the weather agent example.
# `bash scripts/start.sh chat [options]` opens the chat CLI instead: `--smoke` (offline, a tiny generated
# model) when no option is given, or any `harmony-agents chat` options (e.g. none for the model picker: `--`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
if [ "${1:-}" = "chat" ]; then
  shift
  if [ "$#" -eq 0 ]; then set -- --smoke; fi
  if [ "$1" = "--" ]; then shift; fi
  exec pnpm --silent chat "$@"
fi
pnpm start
