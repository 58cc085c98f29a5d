import { ToolDefinitionError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { mapMcpToolNames, toHarmonyToolName } from './mcp-tool-names.js';

describe('toHarmonyToolName', () => {
  it('maps hyphens, dots and other characters to _, and keeps identifiers as they are', () => {
    expect(toHarmonyToolName('get_weather')).toBe('get_weather');
    expect(toHarmonyToolName('get-sum')).toBe('get_sum');
    expect(toHarmonyToolName('files.read-text')).toBe('files_read_text');
    expect(toHarmonyToolName('résumé/v2')).toBe('r_sum__v2');
  });

  it('never starts with a digit and never is empty', () => {
    expect(toHarmonyToolName('2fa-code')).toBe('_2fa_code');
    expect(toHarmonyToolName('')).toBe('_');
  });

  it('puts the prefix before the name, mapped the same way', () => {
    expect(toHarmonyToolName('get-sum', 'everything')).toBe('everything_get_sum');
    expect(toHarmonyToolName('read', 'mcp-servers/filesystem')).toBe('mcp_servers_filesystem_read');
    expect(toHarmonyToolName('read', '1st')).toBe('_1st_read');
  });
});

describe('mapMcpToolNames', () => {
  it('maps every name', () => {
    expect([...mapMcpToolNames(['get-sum', 'echo'], 'demo', 'demo')]).toEqual([
      ['get-sum', 'demo_get_sum'],
      ['echo', 'demo_echo'],
    ]);
  });

  it('refuses two names that map to the same identifier', () => {
    expect(() => mapMcpToolNames(['read-file', 'list', 'read.file'], 'files')).toThrow(
      new ToolDefinitionError(
        'MCP server "files": tools "read-file" and "read.file" both map to the function name "read_file"; leave one out with the filter option',
        { toolName: 'read_file' },
      ),
    );
    expect(() => mapMcpToolNames(['a-b', 'a_b'], 'files')).toThrow(ToolDefinitionError);
  });
});
