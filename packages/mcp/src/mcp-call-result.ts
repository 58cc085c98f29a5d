/**
 * What the model sees of an MCP `tools/call` result.
 */

/** The fields of an MCP `CallToolResult` this package reads (content blocks are read defensively). */
export interface McpCallResult {
  /** Content blocks: `text`, `image`, `audio`, `resource_link`, `resource`. */
  readonly content?: readonly unknown[] | undefined;
  /** Structured output (an object), preferred over `content` when present. */
  readonly structuredContent?: Record<string, unknown> | undefined;
  /** The tool reports an error: the content describes it. */
  readonly isError?: boolean | undefined;
  /** The pre-2024-11-05 result form: any JSON value. */
  readonly toolResult?: unknown;
}

/** What one call gives the runner: the value the model sees, or the text of a tool error. */
export type McpCallOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

/**
 * Converts a `tools/call` result into the tool's value or error:
 * - `isError: true` → an error whose message is the content's text;
 * - `structuredContent` when present → that object (sent to the model as JSON);
 * - otherwise the content blocks as text, one block per paragraph: text as is, an image or audio
 *   clip described by its type and size (`[image: image/png, 1,024 bytes]`), a resource link as
 *   `[resource: name <uri>]` with its description, an embedded resource as its URI and its text.
 */
export function mcpCallOutcome(result: McpCallResult): McpCallOutcome {
  if (result.isError === true) {
    const text = contentToText(result.content ?? []);
    return { ok: false, message: text === '' ? 'the tool reported an error' : text };
  }
  if (result.structuredContent !== undefined && result.structuredContent !== null) {
    return { ok: true, value: result.structuredContent };
  }
  if (result.content === undefined && 'toolResult' in result) {
    return { ok: true, value: result.toolResult };
  }
  return { ok: true, value: contentToText(result.content ?? []) };
}

/** Renders MCP content blocks as text, one block per paragraph. */
export function contentToText(content: readonly unknown[]): string {
  return content.map(blockToText).join('\n\n');
}

function blockToText(block: unknown): string {
  if (typeof block !== 'object' || block === null) return '';
  const fields = block as Record<string, unknown>;
  switch (fields.type) {
    case 'text':
      return text(fields.text);
    case 'image':
    case 'audio':
      return `[${fields.type}: ${text(fields.mimeType) || 'unknown type'}, ${formatBytes(base64Size(fields.data))}]`;
    case 'resource_link': {
      const name = text(fields.title) || text(fields.name);
      const description = text(fields.description);
      const mimeType = text(fields.mimeType);
      return `[resource: ${name === '' ? '' : `${name} `}<${text(fields.uri)}>${mimeType === '' ? '' : `, ${mimeType}`}]${description === '' ? '' : ` ${description}`}`;
    }
    case 'resource':
      return embeddedResourceToText(fields.resource);
    default:
      return `[${text(fields.type) || 'unknown'} content]`;
  }
}

function embeddedResourceToText(resource: unknown): string {
  if (typeof resource !== 'object' || resource === null) return '[resource]';
  const fields = resource as Record<string, unknown>;
  const uri = text(fields.uri);
  const mimeType = text(fields.mimeType);
  if (typeof fields.text === 'string') {
    return `[resource <${uri}>${mimeType === '' ? '' : `, ${mimeType}`}]\n${fields.text}`;
  }
  return `[resource <${uri}>: ${mimeType || 'binary'}, ${formatBytes(base64Size(fields.blob))}]`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The decoded size of base64 data, without decoding it. */
function base64Size(data: unknown): number {
  if (typeof data !== 'string') return 0;
  const length = data.replace(/\s/g, '').length;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((length * 3) / 4) - padding);
}

function formatBytes(size: number): string {
  return `${size.toLocaleString('en-US')} ${size === 1 ? 'byte' : 'bytes'}`;
}
