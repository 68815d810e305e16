/**
 * Small seeded pseudo-random number generator and the distributions the Monte Carlo simulation needs.
 *
 * Why our own: `Math.random` cannot be seeded, and a simulation whose output changes on every call cannot be
 * cached, audited or tested. xoshiro128** (Blackman & Vigna, 2018) passes BigCrush, has a 2^128 − 1 period and
 * needs only 32-bit integer operations, so it runs identically in Node, browsers and Workers.
 * The state is seeded through splitmix32 so that nearby seeds (1, 2, 3…) give unrelated streams.
 *
 * ## References
 * D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", 2018 (xoshiro128**).
 * G. E. P. Box, M. E. Muller, "A note on the generation of random normal deviates", 1958.
 */

/** A distribution for one simulated driver. Rates are decimals (0.05 = 5 %). */
export type Distribution =
  | { kind: 'fixed'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number; min?: number; max?: number }
  | { kind: 'lognormal'; mu: number; sigma: number; shift?: number }
  | { kind: 'triangular'; min: number; mode: number; max: number };

/** Seeded generator: uniform, normal, lognormal, triangular and generic {@link Distribution} sampling. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = 0;
  private hasSpare = false;

  /**
   * @param seed - any finite number; the integer part (mod 2^32) selects the stream
   */
  constructor(seed: number) {
    let x = Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) {
      this.s0 = 1;
    }
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform on [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Normal(mean, sd) by the Box–Muller transform; the second deviate of each pair is kept for the next call. */
  normal(mean = 0, sd = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sd * this.spare;
    }
    // 1 − u keeps the argument of log in (0, 1], so log never sees 0.
    const u1 = 1 - this.next();
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return mean + sd * r * Math.cos(theta);
  }

  /** exp(Normal(mu, sigma)): median e^mu, always > 0. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Triangular(min, mode, max) by inverting its CDF. */
  triangular(min: number, mode: number, max: number): number {
    const u = this.next();
    const span = max - min;
    if (span <= 0) {
      return mode;
    }
    const fc = (mode - min) / span;
    return u < fc ? min + Math.sqrt(u * span * (mode - min)) : max - Math.sqrt((1 - u) * span * (max - mode));
  }

  /** One draw from `dist`. Normal draws are clamped to [min, max] when those are given. */
  sample(dist: Distribution): number {
    switch (dist.kind) {
      case 'fixed':
        return dist.value;
      case 'uniform':
        return this.uniform(dist.min, dist.max);
      case 'normal': {
        const v = this.normal(dist.mean, dist.sd);
        return clamp(v, dist.min ?? Number.NEGATIVE_INFINITY, dist.max ?? Number.POSITIVE_INFINITY);
      }
      case 'lognormal':
        return (dist.shift ?? 0) + this.lognormal(dist.mu, dist.sigma);
      case 'triangular':
        return this.triangular(dist.min, dist.mode, dist.max);
    }
  }
}

/**
 * Checks a distribution's parameters; returns an English problem description or null when valid.
 * Used at the simulation boundary so that bad parameters fail loudly instead of producing NaN paths.
 */
export function describeDistributionProblem(dist: Distribution): string | null {
  const finite = (...xs: (number | undefined)[]) => xs.every((x) => x === undefined || Number.isFinite(x));
  switch (dist.kind) {
    case 'fixed':
      return finite(dist.value) ? null : 'fixed value must be finite';
    case 'uniform':
      return finite(dist.min, dist.max) && dist.min <= dist.max ? null : 'uniform needs finite min ≤ max';
    case 'normal':
      if (!finite(dist.mean, dist.sd, dist.min, dist.max) || dist.sd < 0) {
        return 'normal needs finite mean and sd ≥ 0';
      }
      return dist.min !== undefined && dist.max !== undefined && dist.min > dist.max
        ? 'normal min > max'
        : null;
    case 'lognormal':
      return finite(dist.mu, dist.sigma, dist.shift) && dist.sigma >= 0 ? null : 'lognormal needs sigma ≥ 0';
    case 'triangular':
      return finite(dist.min, dist.mode, dist.max) && dist.min <= dist.mode && dist.mode <= dist.max
        ? null
        : 'triangular needs min ≤ mode ≤ max';
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}
