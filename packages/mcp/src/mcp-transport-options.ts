/**
 * Where an MCP server is: a command run as a child process (stdio), or a URL (streamable HTTP). No MCP SDK
 * type appears here: the SDK's declarations do not compile without skipLibCheck unless the DOM library is
 * in, and these are the types users' code sees.
 */

/** An MCP server started as a child process, spoken to over its stdin and stdout. */
export interface McpStdioServerOptions {
  /** The program to run, e.g. `node` or `npx` (no shell is involved). */
  readonly command: string;
  /** Its arguments. @defaultValue `[]` */
  readonly args?: readonly string[] | undefined;
  /**
   * Environment variables added to a safe subset of this process's environment (`HOME`, `LOGNAME`,
   * `PATH`, `SHELL`, `TERM`, `USER`; the MCP SDK's default). @defaultValue only that subset
   */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** The working directory of the process. @defaultValue this process's working directory */
  readonly cwd?: string | undefined;
  /** Never set: a stdio server has no URL. */
  readonly url?: undefined;
}

/** An MCP server reached over streamable HTTP. */
export interface McpHttpServerOptions {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string | URL;
  /** Headers sent with every request (e.g. `Authorization`). @defaultValue none */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Never set: an HTTP server has no command. */
  readonly command?: undefined;
}
