import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockEventLoop } from '../../testing/block-loop';
import { DeadlineError, withDeadline } from './deadline';

/**
 * A TCP server on its own thread (its own event loop), so it answers while the test blocks the main loop: `ping`
 * is answered at once with `pong`, `hang` never.
 */
const SERVER = `
const { parentPort } = require('node:worker_threads');
const net = require('node:net');
const server = net.createServer((s) => {
  s.on('error', () => {});
  s.on('data', (d) => { if (String(d).includes('ping')) s.write('pong'); });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

let server: Worker;
let port: number;

beforeAll(async () => {
  server = new Worker(SERVER, { eval: true });
  [port] = (await once(server, 'message')) as [number];
});

afterAll(async () => {
  await server.terminate();
});

/** Sends `what` on a fresh connection; resolves with the first reply. */
async function request(what: string): Promise<{ reply: Promise<string>; socket: Socket }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const reply = new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d))));
  socket.write(what);
  return { reply, socket };
}

/** The naive deadline: reject when the timer fires. */
function plainTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms)),
  ]);
}

describe('withDeadline', () => {
  it('a plain timer deadline fails after a stalled loop although the reply is already in the socket', async () => {
    const { reply, socket } = await request('ping');
    const pending = plainTimeout(reply, 100);
    blockEventLoop(400);
    await expect(pending).rejects.toThrow('timed out');
    socket.destroy();
  });

  it('reads the waiting reply before it gives up, so loop lag alone never fails the work', async () => {
    const { reply, socket } = await request('ping');
    const pending = withDeadline(reply, 100, 'ping timed out');
    blockEventLoop(400);
    await expect(pending).resolves.toBe('pong');
    socket.destroy();
  });

  it('still fails work that gets no answer, about `ms` later', async () => {
    const { reply, socket } = await request('hang');
    const t0 = performance.now();
    await expect(withDeadline(reply, 100, 'hang timed out')).rejects.toThrow(DeadlineError);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1000);
    socket.destroy();
  });

  it('passes errors through, hands late values to onLate, and treats ms ≤ 0 as no deadline', async () => {
    await expect(withDeadline(Promise.reject(new Error('boom')), 100, 'x')).rejects.toThrow('boom');
    const late: string[] = [];
    const slow = new Promise<string>((resolve) => setTimeout(() => resolve('late'), 60));
    await expect(withDeadline(slow, 10, 'slow', (v) => late.push(v))).rejects.toThrow('slow');
    await slow;
    await new Promise((r) => setImmediate(r));
    expect(late).toEqual(['late']);
    const work = Promise.resolve(1);
    expect(withDeadline(work, 0, 'x')).toBe(work);
  });
});
