// @harmony-agents/mcp in a user's app: the tools of the app's own stdio MCP server (mcp-server.ts, started
// with node, offline) in a whole agent run on the scripted backend.
import { fileURLToPath } from 'node:url';
import { ConfigurationError, createAgent } from '@harmony-agents/core';
import { createScriptedBackend, scriptFinal, scriptToolCall } from '@harmony-agents/core/testing';
import { type ConnectMcpServerOptions, connectMcpServer, McpServerError } from '@harmony-agents/mcp';

const options: ConnectMcpServerOptions = {
  command: process.execPath,
  args: [fileURLToPath(new URL('../src/mcp-server.mjs', import.meta.url))],
  prefixToolNames: true,
};
const server = await connectMcpServer(options);
let toolText = '';
try {
  const backend = createScriptedBackend({
    steps: [
      { completion: scriptToolCall('units_km_to_miles', { km: 42 }) },
      { completion: scriptFinal('42 km is 26.1 miles.') },
    ],
  });
  const result = await createAgent({ backend, tools: server.tools }).run('42 km in miles?');
  backend.assertComplete();
  for (const message of result.history.messages)
    if (message.role === 'tool')
      toolText += message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  console.log(
    `mcp: ${server.name} (${server.instructions}), tools ${server.tools.map((tool) => tool.name).join('/')}, tool message ${toolText}, final ${result.finalText}`,
  );
} finally {
  await server.close();
}

// Bad options are the core's typed errors; a server that cannot start is an McpServerError.
let errors = '';
try {
  await connectMcpServer({ command: process.execPath, args: [], name: '' });
} catch (error) {
  errors += error instanceof ConfigurationError ? error.code : String(error);
}
try {
  await connectMcpServer({ command: '/nonexistent/mcp-server', name: 'missing' });
} catch (error) {
  errors += error instanceof McpServerError ? `, ${error.code} ${error.reason}` : `, ${String(error)}`;
}
console.log(`mcp errors: ${errors}`);
