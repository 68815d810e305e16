/**
 * @module edge/zod-stubs
 * Bundle-size substitutes for two zod modules the Worker never uses (wrangler.toml `[alias]`), ~40 KiB minified:
 * - `zod/v4/core/compile.js`: `z.compile()` builds validators with `new Function`, which Workers forbid anyway
 *   (zod itself falls back to its interpreter there). The stubs keep the exported names and throw if called.
 * - `zod/v4/classic/from-json-schema.js`: `z.fromJSONSchema()` (JSON Schema → zod); we only go the other way.
 * Parsing, `.openapi()` metadata and JSON Schema output are unaffected (the workerd suite and the `wrangler dev`
 * integration test run against this bundle configuration).
 */
function unavailable(name: string): never {
  throw new Error(`zod ${name}() is not part of the Worker bundle`);
}

export const INVALID: unique symbol = Symbol.for('zod.compile.invalid') as never;
export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}
export function compile(): never {
  return unavailable('compile');
}
export function compileFn(): never {
  return unavailable('compileFn');
}
export function withParser(): never {
  return unavailable('withParser');
}
export function fromJSONSchema(): never {
  return unavailable('fromJSONSchema');
}
