import { createScriptedBackend } from '@harmony-agents/core/testing';
import { describe, expect, it } from 'vitest';
import {
  convertCurrency,
  main,
  renderFunctionTools,
  SCRIPTED_TOOLS_COMPLETIONS,
  searchFlights,
} from './tools.js';

describe('examples/tools', () => {
  it('renders zod and JSON Schema tools as the model sees them', () => {
    expect(renderFunctionTools([searchFlights, convertCurrency])).toBe(
      [
        'namespace functions {',
        '',
        '// Searches direct and connecting flights.',
        '// Prices are in euros.',
        'type search_flights = (_: {',
        '// IATA code of the departure airport, e.g. CDG',
        'from: string,',
        '// IATA code of the arrival airport',
        'to: string,',
        '// Departure date, YYYY-MM-DD',
        'date: string,',
        'cabin?: "economy" | "business", // default: economy',
        '// null for any number of stops',
        'max_stops: number | null,',
        '}) => any;',
        '',
        '// Converts an amount in euros.',
        'type convert_currency = (_: {',
        'amount: number,',
        'to: "USD" | "JPY",',
        '}) => any;',
        '',
        '} // namespace functions',
      ].join('\n'),
    );
  });

  it('sends invalid arguments back to the model, which retries; defaults are applied before execute', async () => {
    const backend = createScriptedBackend({
      steps: SCRIPTED_TOOLS_COMPLETIONS.map((completion) => ({ completion })),
    });
    const lines: string[] = [];
    const result = await main(backend, (line) => lines.push(line));
    backend.assertComplete();
    expect(lines[0]).toContain('type calculator = (_: {');
    expect(lines[0]).toContain('type get_current_time = (_: {');
    expect(lines.slice(1)).toEqual([
      'call search_flights {"from":"CDG","to":"HND","date":"14/07/2025","max_stops":null}',
      '  error (invalid_tool_arguments): Error: invalid arguments for search_flights: date: Invalid ISO date. Fix the arguments and call the tool again.',
      'call search_flights {"from":"CDG","to":"HND","date":"2025-07-14","max_stops":null}',
      '  result: {"flights":[{"number":"HA 101","from":"CDG","to":"HND","date":"2025-07-14","cabin":"economy","stops":0,"price":240}]}',
      'call convert_currency {"amount":240,"to":"USD"}',
      '  result: 264.00',
      'Assistant: Flight HA 101 from CDG to HND on 2025-07-14 costs €240, about $264.',
    ]);
    expect(result.steps).toBe(4);
    // The error text is what the model saw, as the tool's message.
    const toolMessages = result.history.messages.filter((message) => message.role === 'tool');
    expect(toolMessages[0]).toMatchObject({ name: 'functions.search_flights', channel: 'commentary' });
  });
});
