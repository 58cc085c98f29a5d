/**
 * The special tokens of the o200k_harmony encoding (openai-harmony 0.0.8, SPEC §1.1).
 */

/** Ids of the Harmony special tokens that the format uses. */
export const HARMONY_TOKENS = {
  /** `<|startoftext|>` (not used by the format). */
  startOfText: 199998,
  /** `<|endoftext|>` (not a stop token of the parser). */
  endOfText: 199999,
  /** `<|return|>`: ends the final answer; a stop token. */
  return: 200002,
  /** `<|constrain|>`: introduces a constrained content type, as in `<|constrain|>json`. */
  constrain: 200003,
  /** `<|channel|>`: introduces the channel in a header. */
  channel: 200005,
  /** `<|start|>`: begins a message. */
  start: 200006,
  /** `<|end|>`: ends a message. */
  end: 200007,
  /** `<|message|>`: separates the header from the content. */
  message: 200008,
  /** `<|call|>`: ends a tool call; a stop token. */
  call: 200012,
} as const;

/** The first and last id of the special-token range (inclusive). */
export const FIRST_SPECIAL_TOKEN = 199998;
/** The last id of the special-token range (inclusive); openai-harmony reserves up to 201088. */
export const LAST_SPECIAL_TOKEN = 201088;

const NAMED: Readonly<Record<number, string>> = {
  199998: '<|startoftext|>',
  199999: '<|endoftext|>',
  200002: '<|return|>',
  200003: '<|constrain|>',
  200005: '<|channel|>',
  200006: '<|start|>',
  200007: '<|end|>',
  200008: '<|message|>',
  200012: '<|call|>',
};

/** The full special-token table: id → text, for every id from 199998 to 201088. */
export const SPECIAL_TOKENS: ReadonlyMap<number, string> = (() => {
  const table = new Map<number, string>();
  for (let id = FIRST_SPECIAL_TOKEN; id <= LAST_SPECIAL_TOKEN; id++) {
    table.set(id, NAMED[id] ?? `<|reserved_${id}|>`);
  }
  return table;
})();

/** Text → id for every special token. */
export const SPECIAL_TOKEN_IDS: ReadonlyMap<string, number> = new Map(
  [...SPECIAL_TOKENS].map(([id, text]) => [text, id]),
);

/** Tokens that end a message for the parser: `<|return|>`, `<|call|>`, `<|end|>`. */
export const PARSER_STOP_TOKENS: readonly number[] = [
  HARMONY_TOKENS.return,
  HARMONY_TOKENS.call,
  HARMONY_TOKENS.end,
];

/** Tokens that end sampling of an assistant turn: `<|return|>`, `<|call|>`. */
export const ASSISTANT_ACTION_STOP_TOKENS: readonly number[] = [HARMONY_TOKENS.return, HARMONY_TOKENS.call];
