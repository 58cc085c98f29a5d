/**
 * Tiny generated gpt-oss GGUF models for tests.
 * @packageDocumentation
 */
export {};
