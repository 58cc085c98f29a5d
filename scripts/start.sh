#!/usr/bin/env bash
# Installs everything a fresh clone needs, then runs the main job: the weather agent example.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile
pnpm start
