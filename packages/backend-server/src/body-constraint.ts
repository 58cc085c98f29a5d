/**
 * Which message bodies a server generation samples under a JSON grammar, by sending the request again from
 * where the body starts: the arguments of a call to a constrained tool, and, when the request has an
 * `outputSchema`, the final answer. Analysis, preambles and other calls stay free.
 */

import type { JsonValue } from '@harmony-agents/core';
import {
  type BackendGenerateRequest,
  type ConstrainedToolSchema,
  type HarmonyHeader,
  toGrammarJsonSchema,
} from '@harmony-agents/core/backend';
import { HARMONY_TOKENS } from '@harmony-agents/core/harmony';

/** What the body a request restarts at must match. */
export type BodyConstraint =
  | {
      /** A tool call's arguments: JSON of the tool's schema, then `<|call|>`. */
      readonly type: 'tool-arguments';
      /** The tool called. */
      readonly tool: ConstrainedToolSchema;
    }
  | {
      /** A `final`-channel answer: JSON of the output schema, then `<|return|>`. */
      readonly type: 'final-answer';
      /** The request's `outputSchema`, rewritten by `toGrammarJsonSchema` as the llama.cpp backend does. */
      readonly schema: JsonValue;
    };

/** Which bodies a protocol constrains for one request. */
export interface ConstrainedBodies {
  /** Calls to `request.constrainedTools` whose content type is JSON (or absent). */
  readonly toolArguments: boolean;
  /** The `final`-channel answer (no recipient), when `request.outputSchema` is set. */
  readonly finalAnswer: boolean;
}

/**
 * Harmony's control tokens, banned while a constrained body is sampled: a grammar sampler that matches tokens
 * by their text (llama.cpp's does) would otherwise accept `<|end|>` inside a JSON string.
 */
export const CONTROL_TOKENS: readonly number[] = [
  HARMONY_TOKENS.start,
  HARMONY_TOKENS.channel,
  HARMONY_TOKENS.message,
  HARMONY_TOKENS.constrain,
  HARMONY_TOKENS.end,
];

/** Nothing constrained. */
export const NO_CONSTRAINED_BODIES: ConstrainedBodies = { toolArguments: false, finalAnswer: false };

/**
 * What servers whose grammar engines end a completion on the end-of-sequence token constrain (vLLM, SGLang):
 * only the final answer, which ends with gpt-oss's end-of-sequence token `<|return|>` once the JSON is
 * complete; a tool call ends with `<|call|>`, which they may not allow.
 */
export function finalAnswerOnly(constrainOutput: boolean): ConstrainedBodies {
  return { toolArguments: false, finalAnswer: constrainOutput };
}

/**
 * The constraint of the body that starts after `header`, or undefined when that body is sampled freely.
 * The answer's schema is converted once per request.
 */
export function bodyConstraints(
  request: BackendGenerateRequest,
  constrained: ConstrainedBodies,
): (header: HarmonyHeader) => BodyConstraint | undefined {
  let answer: BodyConstraint | undefined;
  return (header) => {
    if (header.recipient === undefined) {
      if (!constrained.finalAnswer || header.channel !== 'final' || request.outputSchema === undefined) {
        return undefined;
      }
      answer ??= { type: 'final-answer', schema: toGrammarJsonSchema(request.outputSchema) as JsonValue };
      return answer;
    }
    if (!constrained.toolArguments) return undefined;
    if (header.contentType !== undefined && !/json/iu.test(header.contentType)) return undefined;
    const tool = request.constrainedTools.find((candidate) => candidate.recipient === header.recipient);
    return tool === undefined ? undefined : { type: 'tool-arguments', tool };
  };
}
