import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let ranks: Map<string, number> | undefined;

/** o200k_base's ranks keyed like `bytesKey` (one char per byte), read from gpt-tokenizer's file. */
export function loadO200kRanks(): ReadonlyMap<string, number> {
  if (ranks !== undefined) return ranks;
  const file = readFileSync(
    createRequire(import.meta.url).resolve('gpt-tokenizer/data/o200k_base.tiktoken'),
    'latin1',
  );
  ranks = new Map();
  for (const line of file.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    ranks.set(Buffer.from(line.slice(0, space), 'base64').toString('latin1'), Number(line.slice(space + 1)));
  }
  return ranks;
}
