/**
 * @module edge/zod-locales
 * Bundle-size substitute for zod's locale index in the Worker build (wrangler.toml `[alias]`). zod's `z` namespace
 * re-exports all ~50 message locales (~270 KiB minified) although the API only ever uses English, which zod
 * configures by default from its own `en` module. The Worker bundle keeps `z.locales.en` and drops the rest.
 */
export { default as en } from 'zod/v4/locales/en.js';
