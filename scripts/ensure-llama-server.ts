/**
 * Builds llama.cpp's llama-server once per llama.cpp source (node-llama-cpp's bundled git release), cached
 * outside the clone in ~/.cache/harmony-agents/llama-server/<hash> (HARMONY_AGENTS_LLAMA_SERVER_CACHE to move
 * it), so the server tests start at once. Run by scripts/test.sh before the tests:
 *   node --import tsx scripts/ensure-llama-server.ts
 */

import { ensureLlamaServer } from '../packages/backend-server/src/testing/ensure-llama-server.js';

const started = Date.now();
let lastPercent = -10;
const binary = await ensureLlamaServer({
  onOutput: (line) => {
    // Make prints "[ 42%] Building ...": report every 10%.
    const percent = /^\[\s*(\d+)%\]/u.exec(line)?.[1];
    if (percent !== undefined && Number(percent) >= lastPercent + 10) {
      lastPercent = Number(percent);
      console.error(`llama-server build: ${percent}%`);
    }
  },
});
console.error(`llama-server: ${binary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
