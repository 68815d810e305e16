/**
 * A local stand-in for Upstash Redis's REST API in front of a real Redis, so @upstash/redis (from Node or from
 * inside workerd) runs against real Redis semantics. Test tooling only. Protocol served:
 *
 * - `POST /` with a JSON array `["CMD", arg, ...]` → `{result}`;
 * - `POST /pipeline` (array of commands) → `[{result} | {error}, ...]`, each command on its own;
 * - `POST /multi-exec` (array of commands) → the same shape, executed in MULTI/EXEC;
 * - `Authorization: Bearer <token>` required (401 otherwise); a failing single command → HTTP 400 `{error}`.
 *
 * With `Upstash-Encoding: base64` (the client's default) every bulk string in a result is base64 encoded, nested
 * arrays included; integers and status replies stay as they are.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

export interface UpstashBridgeOptions {
  /** Real Redis behind the bridge, e.g. redis://127.0.0.1:6379/0. */
  redisUrl: string;
  /** Token the client must send. */
  token: string;
}

export interface UpstashBridge {
  /** Base URL for `UPSTASH_REDIS_REST_URL`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

type Reply = Buffer | string | number | null | Reply[] | { [k: string]: Reply };

/** Encodes a Redis reply the way Upstash does: bulk strings as base64 (or UTF-8 text without base64). */
export function encodeReply(v: Reply, base64: boolean): unknown {
  if (v === null || typeof v === 'number') {
    return v;
  }
  if (Buffer.isBuffer(v)) {
    return base64 ? v.toString('base64') : v.toString('utf8');
  }
  if (typeof v === 'string') {
    // Status replies ("OK", "QUEUED") arrive as strings and are sent as they are.
    return v;
  }
  if (Array.isArray(v)) {
    return v.map((x) => encodeReply(x, base64));
  }
  // ioredis turns some array replies (HGETALL) into objects: back to Redis's flat [field, value, ...] array.
  return Object.entries(v).flatMap(([k, x]) => [encodeReply(Buffer.from(k), base64), encodeReply(x, base64)]);
}

function toArg(a: unknown): string {
  return typeof a === 'string' ? a : JSON.stringify(a);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Starts the bridge on 127.0.0.1 (port 0 = any free port). */
export async function startUpstashBridge(opts: UpstashBridgeOptions, port = 0): Promise<UpstashBridge> {
  const redis = new Redis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
  const exec = (cmd: unknown[]): Promise<Reply> => {
    const [name, ...args] = cmd;
    return redis.callBuffer(String(name), ...args.map(toArg)) as Promise<Reply>;
  };
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      send(res, 401, { error: 'Unauthorized' });
      return;
    }
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const path = (req.url ?? '/').split('?')[0];
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || '[]');
    } catch {
      send(res, 400, { error: 'ERR body is not JSON' });
      return;
    }
    if (!Array.isArray(body)) {
      send(res, 400, { error: 'ERR body must be a JSON array' });
      return;
    }
    try {
      if (path === '/pipeline') {
        const out: unknown[] = [];
        for (const c of body as unknown[][]) {
          try {
            out.push({ result: encodeReply(await exec(c), base64) });
          } catch (err) {
            out.push({ error: (err as Error).message });
          }
        }
        send(res, 200, out);
        return;
      }
      if (path === '/multi-exec') {
        const results = await redis
          .multi(
            (body as unknown[][]).map(([name, ...args]) => ['callBuffer', String(name), ...args.map(toArg)]),
          )
          .exec();
        send(
          res,
          200,
          (results ?? []).map(([e, v]) =>
            e ? { error: e.message } : { result: encodeReply(v as Reply, base64) },
          ),
        );
        return;
      }
      send(res, 200, { result: encodeReply(await exec(body), base64) });
    } catch (err) {
      send(res, 400, { error: (err as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}
