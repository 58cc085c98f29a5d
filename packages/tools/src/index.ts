/**
 * `@harmony-agents/tools`: ready-made tools.
 * @packageDocumentation
 */
export {};
