import { ToolDefinitionError } from '@harmony-agents/core';
import { describe, expect, it } from 'vitest';
import { mapMcpToolNames } from './mcp-tool-names.js';

describe('mapMcpToolNames', () => {
  it('maps hyphens and dots to _, and keeps identifiers as they are', () => {
    expect([...mapMcpToolNames(['get-sum', 'files.read-text', 'echo', '2fa'], 'demo')]).toEqual([
      ['get-sum', 'get_sum'],
      ['files.read-text', 'files_read_text'],
      ['echo', 'echo'],
      ['2fa', '_2fa'],
    ]);
  });

  it('puts the prefix before every name, mapped the same way', () => {
    expect([...mapMcpToolNames(['get-sum', 'echo'], 'x', 'mcp-servers/everything')]).toEqual([
      ['get-sum', 'mcp_servers_everything_get_sum'],
      ['echo', 'mcp_servers_everything_echo'],
    ]);
  });

  it('refuses two names that map to the same identifier, naming both', () => {
    const attempt = () => mapMcpToolNames(['read-file', 'list', 'read.file'], 'files');
    expect(attempt).toThrow(ToolDefinitionError);
    expect(attempt).toThrow(
      'MCP server "files": Tool names "read-file" and "read.file" both map to the Harmony name "read_file"; leave one out with the filter option',
    );
    expect(() => mapMcpToolNames(['a-b', 'a_b'], 'files')).toThrow(ToolDefinitionError);
    // A prefix can create a collision the bare names did not have.
    expect(() => mapMcpToolNames(['b-c', 'c'], 'x', 'a_b')).not.toThrow();
    expect(() => mapMcpToolNames(['b-c', 'b.c'], 'x', 'a')).toThrow(/both map to the Harmony name "a_b_c"/);
  });
});
