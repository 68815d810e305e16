/**
 * @module edge/argon2-wasm
 * Password hashing on Workers: argon2-wasm-edge compiles its WebAssembly at run time by default, which Workers
 * forbid ("Wasm code generation disallowed by embedder"). Importing the two `.wasm` files makes wrangler upload
 * them as precompiled modules; handing them to `setWASMModules` lets the same argon2id code run as on Node, so
 * a hash written by the Node server verifies at the edge and vice versa. Imported for its side effect by index.ts.
 */
import { setWASMModules } from 'argon2-wasm-edge';
import argon2WASM from 'argon2-wasm-edge/wasm/argon2.wasm';
import blake2bWASM from 'argon2-wasm-edge/wasm/blake2b.wasm';

setWASMModules({ argon2WASM, blake2bWASM });
