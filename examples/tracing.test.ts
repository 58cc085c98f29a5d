import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import { main, SCRIPTED_TRACING_COMPLETIONS } from './tracing.js';

describe('examples/tracing', () => {
  it('prints the run, step and tool spans of the weather question', async () => {
    const backend = createScriptedBackend({
      steps: SCRIPTED_TRACING_COMPLETIONS.map((completion) => ({ completion })),
    });
    let printed = '';
    const spans = await main(backend, (text) => {
      printed += text;
    });
    backend.assertComplete();
    // Spans are exported as they end: tools and steps first, the run last.
    expect(spans.map((span) => span.name)).toEqual([
      'chat gpt-oss-20b',
      'execute_tool get_current_location',
      'chat gpt-oss-20b',
      'weather-service lookup',
      'execute_tool get_current_temperature',
      'chat gpt-oss-20b',
      'invoke_agent weather',
    ]);
    // The tool's own span is a child of its call's span, itself a child of the run's.
    const [lookup, call, run] = [spans[3]!, spans[4]!, spans[6]!];
    expect(lookup.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(call.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(printed).toContain(
      'span weather-service lookup (child of execute_tool get_current_temperature)\n',
    );
    expect(printed).toMatch(/^Assistant: It is 64°F in San Francisco, CA, where john123 is\.\n/u);
    expect(printed).toMatch(
      /span chat gpt-oss-20b: \d+ prompt tokens \(0 cached\), \d+ generated, finish stop\n/u,
    );
    expect(printed).toContain('span execute_tool get_current_location (call call_');
    // The chain of thought is not recorded by default.
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain('john123 first');
  });
});
