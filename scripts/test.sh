#!/usr/bin/env bash
# Installs everything a fresh clone needs, then runs lint, type checks and all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
# The server tests run a real llama-server: built once from node-llama-cpp's llama.cpp source, then cached.
node --conditions=@harmony-agents/source --import tsx scripts/ensure-llama-server.ts
pnpm test
