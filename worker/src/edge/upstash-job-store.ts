/**
 * @module edge/upstash-job-store
 * {@link JobStateStore} in Upstash Redis: one JSON value per trade date (kept 3 days for inspection) and a
 * `SET NX EX` lock so overlapping cron ticks never work on the same day twice.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { type JobState, JobStateSchema, type JobStateStore } from './daily-job';

const KEEP_SECONDS = 3 * 86400;

/**
 * @param redis - Upstash client (raw strings; see createUpstashClient).
 * @param prefix - key prefix, default `stockval:`.
 */
export function createUpstashJobStore(redis: Redis, prefix = 'stockval:'): JobStateStore {
  const stateKey = (day: string) => `${prefix}job:daily:${day}`;
  const lockKey = (day: string) => `${prefix}job:daily:${day}:lock`;
  return {
    async load(day) {
      const raw = await redis.get<string>(stateKey(day));
      if (raw === null || raw === undefined) {
        return null;
      }
      // A value we cannot read (older format, manual edit) restarts the day rather than wedging the job.
      const parsed = JobStateSchema.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
      return parsed.success ? parsed.data : null;
    },
    async save(state: JobState) {
      await redis.set(stateKey(state.trade_date), JSON.stringify(state), { ex: KEEP_SECONDS });
    },
    async lock(day, ttlSeconds) {
      const ok = await redis.set(lockKey(day), '1', { nx: true, ex: Math.max(1, Math.round(ttlSeconds)) });
      return ok === 'OK';
    },
    async unlock(day) {
      await redis.del(lockKey(day));
    },
  };
}
