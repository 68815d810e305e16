/**
 * The subset of `cloudflare:test` (@cloudflare/vitest-plugin) the workerd suite uses, typed against the DOM lib the
 * rest of the project compiles with (the full @cloudflare/workers-types globals would clash with it).
 */
declare module 'cloudflare:test' {
  interface TestExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
    passThroughOnException(): void;
  }
  /** The Worker from wrangler.toml `main`, with the test bindings. */
  export const SELF: { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
  /** The bindings (wrangler.toml vars + vitest.workers.config.ts miniflare bindings). */
  export const env: Record<string, unknown>;
  export function createExecutionContext(): TestExecutionContext;
  export function waitOnExecutionContext(ctx: TestExecutionContext): Promise<void>;
  export function createScheduledController(options?: { scheduledTime?: Date | number; cron?: string }): {
    readonly scheduledTime: number;
    readonly cron: string;
    noRetry(): void;
  };
}
