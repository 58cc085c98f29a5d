/**
 * `@harmony-agents/backend-llamacpp`: run gpt-oss on the CPU through llama.cpp.
 * @packageDocumentation
 */
export {};
