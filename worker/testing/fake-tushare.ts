/**
 * A local TuShare Pro server for tests: node:http on 127.0.0.1 (port 0), speaking TuShare's real protocol
 * (POST JSON `{api_name, token, params, fields}` → `{request_id, code, msg, data: {fields, items, has_more}}`).
 * Serves a dataset in TuShare's wire shape (default: the demo dataset), with TuShare's parameter semantics per API,
 * per-call row cap with limit/offset paging, token check, an optional per-minute limit, scripted faults and a
 * request log. No mocks: the client under test goes through real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tableForApi } from '../src/data/tushare-mapping';
import { DATA_TABLES, type DataTableName } from '../src/db/schema';
import { DEMO_DATASET_DIR, readDatasetTable, type WireTable } from '../src/db/seed';

export type FakeFault = 'rate_limit' | 'http_500' | 'hang' | 'reset' | 'bad_json';

export interface FakeRequest {
  api_name: string;
  params: Record<string, unknown>;
  fields: string;
  /** Whether the token matched. */
  authorized: boolean;
}

export interface FakeTushareOptions {
  /** Accepted token (default 'test-token'). */
  token?: string;
  /** Tables to serve; default: the demo dataset from worker/data/demo. */
  tables?: Partial<Record<DataTableName, WireTable>>;
  /** Restrict the served data to these ts_codes (keeps tests small and fast). */
  codes?: readonly string[];
  /** Max rows per call (TuShare caps each API, 5 000–10 000); default 6 000. */
  maxRows?: number;
  /** Answer -2001 once more than this many calls arrive within a rolling minute (default: no limit). */
  perMinuteLimit?: number;
  /** Whether the account may call the whole-market `*_vip` APIs (5000 points); default true. */
  vip?: boolean;
}

export interface FakeTushare {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Number of requests, optionally for one api_name. */
  count(apiName?: string): number;
  /** The next `n` requests fail with `fault` (queued after earlier scripted faults). */
  failNext(n: number, fault: FakeFault): void;
  /** Replaces rows of a table (e.g. to simulate a restatement between two syncs). */
  setTable(table: DataTableName, wire: WireTable): void;
  close(): Promise<void>;
}

const RATE_LIMIT_MSG =
  '抱歉，您每分钟最多访问该接口200次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。';
const BAD_TOKEN_MSG = '您的token不对，请确认。';
const NO_PERMISSION_MSG =
  '抱歉，您没有访问该接口的权限，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。';

type Row = Record<string, string | number | null>;

interface TableData {
  fields: string[];
  rows: Row[];
}

function toRows(wire: WireTable, codes: Set<string> | null): TableData {
  const rows: Row[] = [];
  for (const item of wire.items) {
    const row: Row = {};
    wire.fields.forEach((f, i) => {
      row[f] = item[i] ?? null;
    });
    if (codes === null || codes.has(String(row.ts_code))) {
      rows.push(row);
    }
  }
  return { fields: [...wire.fields], rows };
}

/** Sort order TuShare uses: newest period / trade date first. */
function sortRows(table: DataTableName, rows: Row[]): Row[] {
  const key = table === 'daily_basic' ? 'trade_date' : table === 'stock_basic' ? null : 'end_date';
  if (key === null) {
    return rows;
  }
  return rows.sort((a, b) => {
    const da = String(a[key] ?? '');
    const db = String(b[key] ?? '');
    if (da !== db) {
      return da < db ? 1 : -1;
    }
    return String(a.ts_code) < String(b.ts_code) ? -1 : String(a.ts_code) > String(b.ts_code) ? 1 : 0;
  });
}

const s = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : String(v);

/** TuShare's parameter semantics per table. */
function matches(table: DataTableName, row: Row, p: Record<string, unknown>): boolean {
  const eq = (param: string, field: string) => {
    const want = s(p[param]);
    return want === undefined || String(row[field] ?? '') === want;
  };
  const inRange = (field: string) => {
    const v = String(row[field] ?? '');
    const from = s(p.start_date);
    const to = s(p.end_date);
    return (from === undefined || v >= from) && (to === undefined || v <= to);
  };
  const codes = s(p.ts_code)?.split(',');
  if (codes !== undefined && !codes.includes(String(row.ts_code))) {
    return false;
  }
  switch (table) {
    case 'stock_basic':
      return (
        eq('list_status', 'list_status') &&
        eq('market', 'market') &&
        eq('exchange', 'exchange') &&
        eq('name', 'name')
      );
    case 'daily_basic':
      return eq('trade_date', 'trade_date') && inRange('trade_date');
    case 'dividend':
      return (
        eq('ann_date', 'ann_date') &&
        eq('end_date', 'end_date') &&
        eq('record_date', 'record_date') &&
        eq('ex_date', 'ex_date') &&
        eq('imp_ann_date', 'imp_ann_date')
      );
    default:
      // income / balancesheet / cashflow / fina_indicator: period = report period; start/end_date = announcement.
      return (
        eq('period', 'end_date') &&
        eq('ann_date', 'ann_date') &&
        eq('report_type', 'report_type') &&
        inRange('ann_date')
      );
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
  }
  return body;
}

/** Starts the server. Call `close()` in afterAll. */
export async function startFakeTushare(opts: FakeTushareOptions = {}): Promise<FakeTushare> {
  const token = opts.token ?? 'test-token';
  const maxRows = opts.maxRows ?? 6000;
  const codes = opts.codes !== undefined ? new Set(opts.codes) : null;
  const data = new Map<DataTableName, TableData>();
  const names = Object.keys(DATA_TABLES) as DataTableName[];
  for (const t of names) {
    const wire = opts.tables !== undefined ? opts.tables[t] : await readDatasetTable(DEMO_DATASET_DIR, t);
    data.set(t, wire === undefined ? { fields: [], rows: [] } : toRows(wire, codes));
    const td = data.get(t);
    if (td !== undefined) {
      sortRows(t, td.rows);
    }
  }
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];
  const recent: number[] = [];
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    let parsed: { api_name?: unknown; token?: unknown; params?: unknown; fields?: unknown };
    try {
      parsed = JSON.parse(await readBody(req)) as typeof parsed;
    } catch {
      send(res, 200, { request_id: randomUUID(), code: 40000, msg: '请求参数格式错误', data: null });
      return;
    }
    const apiName = String(parsed.api_name ?? '');
    const params = (
      typeof parsed.params === 'object' && parsed.params !== null ? parsed.params : {}
    ) as Record<string, unknown>;
    const authorized = parsed.token === token;
    requests.push({ api_name: apiName, params, fields: String(parsed.fields ?? ''), authorized });

    const fault = faults.shift();
    if (fault === 'hang') {
      return; // never answer; the client must time out
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'http_500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    if (fault === 'bad_json') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>');
      return;
    }
    const now = Date.now();
    while (recent.length > 0 && (recent[0] ?? 0) <= now - 60_000) {
      recent.shift();
    }
    recent.push(now);
    if (
      fault === 'rate_limit' ||
      (opts.perMinuteLimit !== undefined && recent.length > opts.perMinuteLimit)
    ) {
      send(res, 200, { request_id: randomUUID(), code: -2001, msg: RATE_LIMIT_MSG, data: null });
      return;
    }
    if (!authorized) {
      send(res, 200, { request_id: randomUUID(), code: -2002, msg: BAD_TOKEN_MSG, data: null });
      return;
    }
    if (apiName.endsWith('_vip') && opts.vip === false) {
      send(res, 200, { request_id: randomUUID(), code: 40203, msg: NO_PERMISSION_MSG, data: null });
      return;
    }
    if (apiName === 'trade_cal') {
      // Open days = the trade dates present in the served daily_basic (the dataset has no calendar of its own).
      const days = [...new Set((data.get('daily_basic')?.rows ?? []).map((r) => String(r.trade_date)))]
        .filter((d) => (s(params.start_date) ?? '') <= d && d <= (s(params.end_date) ?? '99991231'))
        .sort();
      send(res, 200, {
        request_id: randomUUID(),
        code: 0,
        msg: '',
        data: {
          fields: ['exchange', 'cal_date', 'is_open'],
          items: days.map((d) => ['SSE', d, 1]),
          has_more: false,
        },
      });
      return;
    }
    const table = tableForApi(apiName);
    const td = table === null ? undefined : data.get(table);
    if (table === null || td === undefined) {
      send(res, 200, {
        request_id: randomUUID(),
        code: 40101,
        msg: `请指定正确的接口名: ${apiName}`,
        data: null,
      });
      return;
    }
    const all = td.rows.filter((r) => matches(table, r, params));
    const limit = Math.min(maxRows, Math.max(1, Number(params.limit ?? maxRows) || maxRows));
    const offset = Math.max(0, Number(params.offset ?? 0) || 0);
    const page = all.slice(offset, offset + limit);
    const requested = String(parsed.fields ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    const known = new Set([...td.fields]);
    // TuShare answers every requested field it knows (null when empty); unknown names are dropped.
    const fields =
      requested.length > 0 ? requested.filter((f) => known.has(f) || f === 'ts_code') : td.fields;
    send(res, 200, {
      request_id: randomUUID(),
      code: 0,
      msg: '',
      data: {
        fields,
        items: page.map((r) => fields.map((f) => r[f] ?? null)),
        has_more: offset + limit < all.length,
      },
    });
  });
  server.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (apiName) =>
      apiName === undefined ? requests.length : requests.filter((r) => r.api_name === apiName).length,
    failNext(n, fault) {
      for (let i = 0; i < n; i++) {
        faults.push(fault);
      }
    },
    setTable(table, wire) {
      const td = toRows(wire, codes);
      sortRows(table, td.rows);
      data.set(table, td);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const sock of sockets) {
          sock.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
