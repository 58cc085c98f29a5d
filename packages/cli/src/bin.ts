#!/usr/bin/env node
/**
 * The `harmony-agents` executable.
 */

import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2));
// The llama.cpp engine and readline may keep handles open after the chat is over.
process.exit(code);
