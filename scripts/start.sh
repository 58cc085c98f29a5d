#!/usr/bin/env bash
# Installs everything a fresh clone needs, then runs the main job: the weather agent example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm start
