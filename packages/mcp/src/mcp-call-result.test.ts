import { describe, expect, it } from 'vitest';
import { contentToText, mcpCallOutcome } from './mcp-call-result.js';

describe('mcpCallOutcome', () => {
  it('prefers structuredContent over content', () => {
    expect(
      mcpCallOutcome({
        content: [{ type: 'text', text: '{"temperature":21}' }],
        structuredContent: { temperature: 21 },
      }),
    ).toEqual({ ok: true, value: { temperature: 21 } });
  });

  it('turns isError into an error with the content text, even with structured content', () => {
    expect(
      mcpCallOutcome({
        content: [{ type: 'text', text: 'no such order' }],
        structuredContent: {},
        isError: true,
      }),
    ).toEqual({ ok: false, message: 'no such order' });
    expect(mcpCallOutcome({ content: [], isError: true })).toEqual({
      ok: false,
      message: 'the tool reported an error',
    });
  });

  it('reads the legacy toolResult form', () => {
    expect(mcpCallOutcome({ toolResult: { answer: 42 } })).toEqual({ ok: true, value: { answer: 42 } });
  });
});

describe('contentToText', () => {
  it('renders text, media, resource links and embedded resources, one block per paragraph', () => {
    expect(
      contentToText([
        { type: 'text', text: 'Here it is:' },
        { type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' },
        { type: 'audio', mimeType: 'audio/wav', data: 'UklGRg==' },
        {
          type: 'resource_link',
          uri: 'file:///tmp/report.pdf',
          name: 'report.pdf',
          mimeType: 'application/pdf',
          description: 'The quarterly report.',
        },
        { type: 'resource_link', uri: 'demo://one', name: 'one' },
        { type: 'resource', resource: { uri: 'demo://notes', mimeType: 'text/plain', text: 'Buy milk.' } },
        { type: 'resource', resource: { uri: 'demo://blob', mimeType: 'application/zip', blob: 'UEsDBA==' } },
        { type: 'hologram' },
      ]),
    ).toBe(
      [
        'Here it is:',
        '[image: image/png, 8 bytes]',
        '[audio: audio/wav, 4 bytes]',
        '[resource: report.pdf <file:///tmp/report.pdf>, application/pdf] The quarterly report.',
        '[resource: one <demo://one>]',
        '[resource <demo://notes>, text/plain]\nBuy milk.',
        '[resource <demo://blob>: application/zip, 4 bytes]',
        '[hologram content]',
      ].join('\n\n'),
    );
  });
});
