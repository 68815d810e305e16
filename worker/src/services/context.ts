/**
 * @module services/context
 * What every service receives: the typed configuration and the infrastructure behind interfaces. Built once by
 * `createApp` (or the CLI) from injected dependencies; services never reach for globals or `process.env`.
 */
import type { StockDataSource } from '@/data/types';
import type { Database } from '@/db/client';
import type { Env } from '@/env';
import type { Cache } from '@/lib/cache/types';
import type { InFlight } from '@/lib/in-flight';
import type { Metrics } from '@/observability/metrics';
import type { HealthReport } from './health/check-health';
import type { Logger } from './logger';
import type { SnapshotFillProgress } from './revalue/background-revalue';
import type { SnapshotMemory } from './screener/snapshot-memory';
import type { ValuationCache } from './valuation-cache/valuation-cache';

/** Time source, injectable so tests and cache keys do not depend on the wall clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Dependency checks reported by `/health` (each throws when the dependency is down). */
export type DependencyName = 'tushare' | 'database' | 'redis';
export type HealthChecks = Partial<Record<DependencyName, () => Promise<void>>>;

export interface ServiceContext {
  env: Env;
  dataSource: StockDataSource;
  cache: Cache;
  clock: Clock;
  logger: Logger;
  /** Application version (package.json), part of every cache key. */
  version: string;
  /**
   * Version of the data behind the source (changes when data is synced or re-seeded); part of every cache key so a
   * sync invalidates cached valuations. Memoized by the caller for a few seconds.
   */
  datasetVersion(): Promise<string>;
  /**
   * Data version of one stock (dataset version + the stock's sync version); part of its cache keys, so a sync that
   * changed the stock invalidates only that stock. Memoized for a few seconds.
   */
  stockDataVersion(tsCode: string): Promise<string>;
  /** Two-tier valuation result cache (services/valuation-cache). */
  valuationCache: ValuationCache;
  /**
   * The application database (users, workspace, persistent cache); undefined when the service runs without one
   * (DATA_SOURCE=tushare). Features that need it answer 503.
   */
  db?: Database | undefined;
  /**
   * Where counters go (Prometheus on Node, Analytics Engine on Workers, no-op by default). Call e.g.
   * `ctx.metrics.cacheHit('valuation')`; see observability/metrics.ts for what is already recorded centrally.
   */
  metrics: Metrics;
  /** Memoized dependency report for `/health` and `/health/ready`. */
  health(): Promise<HealthReport>;
  /**
   * In-process copy of the screener snapshot (services/screener/snapshot-memory), for long-lived servers; absent:
   * the screener queries SQL.
   */
  screenerSnapshots?: SnapshotMemory | undefined;
  /** Progress of a background fill of the screener snapshot in this process (Node, REVALUE_ON_START); absent: none. */
  snapshotFill?: (() => SnapshotFillProgress | null) | undefined;
  /** Work that outlives its response (report streams) runs through this, so a stopping server waits for it. */
  inFlight?: InFlight | undefined;
}
