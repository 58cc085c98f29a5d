/**
 * `@harmony-agents/core/testing`: a scripted backend and a backend conformance suite.
 * @packageDocumentation
 */
export {};
