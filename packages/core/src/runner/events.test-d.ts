import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, ToolCallError } from '../index.js';
import { createAgent, defineTool } from '../index.js';
import { createScriptedBackend } from '../testing/index.js';

describe('event types', () => {
  it('narrow by type in listeners and in iteration', async () => {
    const run = createAgent({ backend: createScriptedBackend({ steps: [] }) }).run('hi');
    run.on('final', (event) => {
      expectTypeOf(event.text).toEqualTypeOf<string>();
      expectTypeOf(event.step).toEqualTypeOf<number>();
    });
    run.on('tool-error', (event) => {
      expectTypeOf(event.error).toEqualTypeOf<ToolCallError>();
    });
    run.on('step-end', (event) => {
      expectTypeOf(event.usage.cachedPromptTokens).toEqualTypeOf<number | undefined>();
    });
    for await (const event of run) {
      expectTypeOf(event).toEqualTypeOf<AgentEvent>();
      if (event.type === 'final-delta') expectTypeOf(event.delta).toEqualTypeOf<string>();
      if (event.type === 'tool-result') expectTypeOf(event.output).toEqualTypeOf<string>();
    }
    const result = await run;
    expectTypeOf(result.finalText).toEqualTypeOf<string>();
  });

  it('infer tool arguments from the zod schema', () => {
    defineTool({
      name: 'get_current_temperature',
      description: 'Gets the temperature.',
      parameters: z.object({
        location: z.string(),
        format: z.enum(['celsius', 'fahrenheit']).default('celsius'),
      }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ location: string; format: 'celsius' | 'fahrenheit' }>();
        return 1;
      },
    });
  });
});
