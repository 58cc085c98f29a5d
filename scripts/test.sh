#!/usr/bin/env bash
# Installs everything a fresh clone needs, then runs lint, type checks and all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm test
