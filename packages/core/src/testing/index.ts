/**
 * `@harmony-agents/core/testing`: a scripted backend, script helpers and a backend conformance suite.
 * @module \@harmony-agents/core/testing
 */

export type { BackendConformanceOptions, ConformanceCheckResult } from './conformance.js';
export { CONFORMANCE_CHECKS, runBackendConformance } from './conformance.js';
export type { ScriptOptions } from './script.js';
export { scriptBuiltinCall, scriptFinal, scriptToolCall } from './script.js';
export type { ScriptedBackend, ScriptedBackendOptions, ScriptedStep } from './scripted-backend.js';
export { createScriptedBackend, ScriptMismatchError } from './scripted-backend.js';
