/**
 * @module middleware/rate-limit/lua
 * The Redis scripts of the Redis-backed rate-limit stores, shared by the ioredis store (Node) and the Upstash store
 * (Workers) so both count the same way. Runtime-neutral: plain strings, no client import.
 */

/** KEYS[1] current window, KEYS[2] previous; ARGV elapsed fraction, limit, ttl ms. Returns {allowed, cur, prev}. */
export const SLIDING_WINDOW_LUA = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local elapsed = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if prev * (1 - elapsed) + cur + 1 > limit then
  return {0, cur, prev}
end
cur = redis.call('INCR', KEYS[1])
if cur == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {1, cur, prev}
`;

/** KEYS[1] counter; ARGV ttl ms. Increments and sets the expiry on first use. */
export const INCREMENT_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`;
