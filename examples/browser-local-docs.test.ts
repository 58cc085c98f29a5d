import type { ToolResultEvent } from '@harmony-agents/core';
import { loadHarmonyEncoding } from '@harmony-agents/core/harmony';
import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { answerFromLocalDocs, SCRIPTED_BROWSER_COMPLETIONS } from './browser-local-docs.js';

describe('examples/browser-local-docs', () => {
  it('answers from the local documents through browser.search, browser.open and browser.find', async () => {
    const backend = createScriptedBackend({
      steps: SCRIPTED_BROWSER_COMPLETIONS.map((completion) => ({ completion })),
    });
    const results: ToolResultEvent[] = [];
    const answer = await answerFromLocalDocs({
      backend,
      onRun: (run) => run.on('tool-result', (event) => results.push(event)),
    });
    backend.assertComplete();

    expect(results.map((event) => event.recipient)).toEqual([
      'browser.search',
      'browser.open',
      'browser.find',
    ]);
    const [search, open, find] = results.map((event) => event.output);
    expect(search!.split('\n').slice(0, 8)).toEqual([
      '[0] theme for one build environment variable',
      '**viewing lines [0 - 12] of 12**',
      '',
      'L0: ',
      'L1: URL: ',
      'L2: # Search Results',
      'L3: ',
      'L4:   * 【0†Configuration reference†local】 `LUMEN_THEME` overrides `theme` for one ',
    ]);
    expect(open!.split('\n').slice(0, 2)).toEqual([
      '[1] Configuration reference (docs://local/configuration.md)',
      '**viewing lines [0 - 93] of 93**',
    ]);
    expect(find).toMatchInlineSnapshot(`
      "[2] Find results for text: \`lumen_theme\` in \`Configuration reference\` (docs://local/configuration.md/find?pattern=lumen_theme)
      **viewing lines [0 - 4] of 4**

      L0: # 【0†match at L90】
      L1: \`LUMEN_THEME\` overrides \`theme\` for one build, which is handy in continuous 
      L2: integration.
      L3: \`LUMEN_PORT\` overrides \`port\`.
      L4: "
    `);

    expect(answer.result.finalText).toContain('Set the `LUMEN_THEME` environment variable');
    expect(answer.citations).toEqual([
      expect.objectContaining({
        marker: '【1†L90-L91】',
        url: 'docs://local/configuration.md',
        title: 'Configuration reference',
        lines: [
          '`LUMEN_THEME` overrides `theme` for one build, which is handy in continuous ',
          'integration.',
        ],
      }),
    ]);

    // The browser namespace is in the system message, and each tool result reached the next prompt.
    const encoding = loadHarmonyEncoding();
    const prompts = backend.requests.map((request) => encoding.decodeUtf8(request.promptTokens));
    expect(prompts[0]).toContain('## browser\n\n// Tool for browsing.');
    expect(prompts[0]).toContain('type find = (_: {');
    expect(prompts[1]).toContain(
      '<|start|>browser.search to=assistant<|channel|>analysis<|message|>[0] theme for one build environment variable',
    );
    expect(prompts[3]).toContain('# 【0†match at L90】');
  });
});
