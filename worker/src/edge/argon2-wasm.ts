/**
 * @module edge/argon2-wasm
 * Password hashing on Workers: Workers forbid compiling WebAssembly from bytes at run time ("Wasm code generation
 * disallowed by embedder"), so the argon2 module is imported statically — wrangler uploads the `.wasm` file as a
 * precompiled module — and handed to the password service, which then runs the same argon2id code as on Node: a
 * hash written by the Node server verifies at the edge and vice versa. Imported for its side effect by index.ts.
 */
import wasm from '@phi-ag/argon2/argon2.wasm';
import { useArgon2Module } from '@/services/auth/password';

useArgon2Module(wasm);
