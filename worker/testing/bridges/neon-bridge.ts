/**
 * A local stand-in for Neon's serverless endpoint, so @neondatabase/serverless (from Node or from inside workerd)
 * can reach a real local PostgreSQL. Test tooling only. It serves Neon's two client protocols on one port:
 *
 * - WebSocket (any path, `?address=` ignored): every binary message is forwarded to a TCP connection to PostgreSQL
 *   and back, i.e. the Postgres wire protocol tunnelled the way Neon's proxy does it (no TLS: the client is set to
 *   `useSecureWebSocket = false`, `pipelineTLS = false`).
 * - `POST /sql` (the HTTP query API behind `neon()`): body `{query, params}` or `{queries: [...]}` (a batch run in one
 *   transaction), connection string in the `Neon-Connection-String` header. Rows go back as arrays of raw text with
 *   `fields: [{name, dataTypeID}]`, so the client applies its own type parsers exactly as against Neon. Errors are
 *   HTTP 400 `{message, code, ...}` with PostgreSQL's fields.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import pg from 'pg';
import { WebSocketServer } from 'ws';

export interface NeonBridgeOptions {
  /** PostgreSQL to tunnel to. */
  pgHost: string;
  pgPort: number;
}

export interface NeonBridge {
  /** `127.0.0.1:<port>`, the value for `NEON_LOCAL_PROXY`. */
  hostPort: string;
  port: number;
  close(): Promise<void>;
}

interface SqlQuery {
  query: string;
  params?: unknown[];
}

/** Every value as PostgreSQL's text output: the Neon client parses types itself. */
const RAW_TYPES = { getTypeParser: () => (v: string) => v };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function runQuery(client: pg.Client, q: SqlQuery) {
  const r = await client.query({
    text: q.query,
    values: (q.params ?? []) as unknown[],
    rowMode: 'array',
    types: RAW_TYPES,
  });
  return {
    command: r.command,
    rowCount: r.rowCount,
    rows: r.rows,
    fields: r.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: f.format,
    })),
    rowAsArray: true,
  };
}

async function handleSql(req: IncomingMessage, res: ServerResponse, opts: NeonBridgeOptions): Promise<void> {
  const header = req.headers['neon-connection-string'];
  if (typeof header !== 'string') {
    sendJson(res, 400, { message: 'missing Neon-Connection-String header' });
    return;
  }
  let payload: SqlQuery | { queries: SqlQuery[] };
  try {
    payload = JSON.parse(await readBody(req)) as SqlQuery | { queries: SqlQuery[] };
  } catch {
    sendJson(res, 400, { message: 'body is not JSON' });
    return;
  }
  const client = new pg.Client({
    connectionString: header,
    host: opts.pgHost,
    port: opts.pgPort,
    types: RAW_TYPES,
  });
  try {
    await client.connect();
    if ('queries' in payload) {
      await client.query('BEGIN');
      try {
        const results = [];
        for (const q of payload.queries) {
          results.push(await runQuery(client, q));
        }
        await client.query('COMMIT');
        sendJson(res, 200, { results });
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } else {
      sendJson(res, 200, await runQuery(client, payload));
    }
  } catch (err) {
    const e = err as Record<string, unknown>;
    const fields = [
      'code',
      'severity',
      'detail',
      'hint',
      'position',
      'schema',
      'table',
      'column',
      'constraint',
    ];
    sendJson(res, 400, {
      message: String(e.message ?? err),
      ...Object.fromEntries(fields.filter((f) => e[f] !== undefined).map((f) => [f, e[f]])),
    });
  } finally {
    await client.end().catch(() => {});
  }
}

/** Starts the bridge on 127.0.0.1 (port 0 = any free port). */
export async function startNeonBridge(opts: NeonBridgeOptions, port = 0): Promise<NeonBridge> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/sql') {
      void handleSql(req, res, opts);
      return;
    }
    sendJson(res, 404, { message: 'not found' });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    const socket = connect(opts.pgPort, opts.pgHost);
    const queued: Buffer[] = [];
    let open = false;
    socket.on('connect', () => {
      open = true;
      for (const b of queued.splice(0)) {
        socket.write(b);
      }
    });
    ws.on('message', (data: Buffer) => {
      if (open) {
        socket.write(data);
      } else {
        queued.push(data);
      }
    });
    socket.on('data', (d) => ws.send(d));
    const end = () => {
      socket.destroy();
      ws.close();
    };
    ws.on('close', end);
    ws.on('error', end);
    socket.on('close', end);
    socket.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    hostPort: `127.0.0.1:${actual}`,
    close: async () => {
      for (const c of wss.clients) {
        c.terminate();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
