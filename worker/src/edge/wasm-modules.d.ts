/** `.wasm` imports in the Worker: wrangler (and the workerd test pool) provide a compiled WebAssembly.Module. */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
