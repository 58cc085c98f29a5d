/**
 * `@harmony-agents/core/harmony`: the Harmony format itself, token-exact with openai-harmony. The
 * o200k_harmony tokenizer, rendering conversations to tokens, the strict and the streaming parser,
 * message builders and the JSON interop with openai-harmony's message format.
 *
 * Applications rarely need it: `@harmony-agents/core` renders and parses for them.
 *
 * @example
 * ```ts
 * import { createMessage, loadHarmonyEncoding } from '@harmony-agents/core/harmony';
 *
 * const encoding = loadHarmonyEncoding();
 * const tokens = encoding.renderConversationForCompletion([createMessage('user', 'Hi')], 'assistant');
 * ```
 * @module \@harmony-agents/core/harmony
 */

export { functionToolsNamespace } from '../tools/function-namespace.js';
export { BUILTIN_TOOL_NAMESPACES } from './builtin-tool-namespaces.js';
export type { CreateMessageOptions } from './create-message.js';
export { createMessage } from './create-message.js';
export type { DeveloperContentOptions } from './developer-content.js';
export { createDeveloperContent } from './developer-content.js';
export { HARMONY_GPT_OSS_ENCODING_NAME, HarmonyEncoding, loadHarmonyEncoding } from './encoding.js';
export type {
  HarmonyContentJSON,
  HarmonyConversationJSON,
  HarmonyMessageJSON,
  HarmonyReasoningEffortJSON,
  HarmonyToolDescriptionJSON,
  HarmonyToolNamespaceConfigJSON,
} from './json.js';
export {
  harmonyConversationFromJSON,
  harmonyConversationToJSON,
  harmonyMessageFromJSON,
  harmonyMessageToJSON,
} from './json.js';
export type { HarmonyParserEncoding, StreamableParserHeader, StreamableParserState } from './parser.js';
export { parseMessagesFromCompletionTokens, StreamableParser } from './parser.js';
export type { ResponseFormat } from './response-formats.js';
export { renderResponseFormatsSection } from './response-formats.js';
export { jsonSchemaToTypeScript } from './schema-to-typescript.js';
export { HARMONY_TOKENS, SPECIAL_TOKEN_IDS, SPECIAL_TOKENS } from './special-tokens.js';
export type { HarmonyStreamDecoderOptions, MessageOpening, StreamDecoderEvent } from './stream-decoder.js';
export { HarmonyStreamDecoder } from './stream-decoder.js';
export type { SystemContentOptions } from './system-content.js';
export { createSystemContent } from './system-content.js';
export type { AllowedSpecial, EncodeOptions } from './tokenizer.js';
export { loadO200kHarmonyTokenizer, O200K_BASE_SHA256, O200kHarmonyTokenizer } from './tokenizer.js';
export type {
  ChannelConfig,
  Content,
  DeveloperContent,
  JsonValue,
  Message,
  ParseOptions,
  ReasoningEffort,
  RenderConversationConfig,
  RenderOptions,
  Role,
  SystemContent,
  TextContent,
  ToolDescription,
  ToolNamespaceConfig,
} from './types.js';
export { ROLES } from './types.js';
