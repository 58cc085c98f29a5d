/**
 * Every error thrown by harmony-agents extends {@link HarmonyAgentsError}.
 *
 * Errors are split by who must act on them:
 * - `user`: the application is misconfigured or passed bad input (fix the calling code);
 * - `model`: the model produced something unusable (malformed Harmony, an unknown tool, invalid arguments);
 * - `backend`: the inference engine failed (model file, context size, native crash);
 * - `tool`: a tool failed while executing;
 * - `run`: the run was stopped by a limit or by cancellation.
 *
 * @packageDocumentation
 */

export * from './errors/backend-errors.js';
export * from './errors/format-errors.js';
export * from './errors/harmony-agents-error.js';
export * from './errors/run-errors.js';
export * from './errors/tool-errors.js';
