/**
 * Every TypeScript snippet in the guides (`docs/*.md`) is an excerpt of a compiled, tested example file:
 * its first line names the file (`// examples/events.ts`), and its other lines appear in that file in
 * the same order, consecutively, except where a `// ...` line marks a gap. Indentation is ignored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const docsFolder = join(root, 'docs');
const SOURCE_LINE = /^\/\/ ((?:examples|packages)\/[\w./-]+\.ts)$/;

interface Snippet {
  readonly guide: string;
  readonly line: number;
  readonly lines: readonly string[];
}

function snippetsOf(guide: string): Snippet[] {
  const lines = readFileSync(join(docsFolder, guide), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[index]!)) continue;
    const start = index + 1;
    do index++;
    while (index < lines.length && lines[index] !== '```');
    snippets.push({ guide, line: start + 1, lines: lines.slice(start, index) });
  }
  return snippets;
}

/** Index just past the first occurrence of `chunk` in `file` at or after `from`, or -1. */
function findChunk(file: readonly string[], chunk: readonly string[], from: number): number {
  for (let start = from; start + chunk.length <= file.length; start++) {
    if (chunk.every((line, offset) => file[start + offset] === line)) return start + chunk.length;
  }
  return -1;
}

/** Why a snippet is not an excerpt of the file it names, or undefined when it is. */
function checkSnippet(snippet: Snippet, readSource: (path: string) => string): string | undefined {
  const source = SOURCE_LINE.exec(snippet.lines[0]?.trim() ?? '')?.[1];
  if (source === undefined) return 'the first line must name the source file, e.g. `// examples/events.ts`';
  const file = readSource(source)
    .split('\n')
    .map((line) => line.trim());
  const chunks: string[][] = [[]];
  for (const line of snippet.lines.slice(1)) {
    if (line.trim() === '// ...') chunks.push([]);
    else chunks[chunks.length - 1]!.push(line.trim());
  }
  let position = 0;
  for (const chunk of chunks.filter((lines) => lines.length > 0)) {
    const next = findChunk(file, chunk, position);
    if (next < 0) return `not found in ${source} (in order): ${chunk.join('\n')}`;
    position = next;
  }
  return undefined;
}

const guides = readdirSync(docsFolder).filter((name) => name.endsWith('.md'));
const snippets = guides.flatMap(snippetsOf);

describe('docs snippets', () => {
  it('exist', () => {
    expect(guides).toContain('README.md');
    expect(snippets.length).toBeGreaterThan(10);
  });

  it.each(snippets.map((snippet) => [`${snippet.guide}:${snippet.line}`, snippet] as const))(
    '%s is an excerpt of the file it names',
    (_, snippet) => {
      expect(checkSnippet(snippet, (path) => readFileSync(join(root, path), 'utf8'))).toBeUndefined();
    },
  );

  it('rejects snippets that are not excerpts', () => {
    const source = ['const a = 1;', '  const b = 2;', 'const c = 3;'].join('\n');
    const check = (lines: string[]) =>
      checkSnippet({ guide: 'test.md', line: 1, lines: ['// examples/x.ts', ...lines] }, () => source);
    expect(check(['const a = 1;', 'const b = 2;'])).toBeUndefined();
    expect(check(['const a = 1;', '// ...', 'const c = 3;'])).toBeUndefined();
    expect(check(['const a = 1;', 'const c = 3;'])).toMatch(/not found/);
    expect(check(['const c = 3;', '// ...', 'const a = 1;'])).toMatch(/not found/);
    expect(checkSnippet({ guide: 'test.md', line: 1, lines: ['const a = 1;'] }, () => source)).toMatch(
      /must name the source file/,
    );
  });
});
