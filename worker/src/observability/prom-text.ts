/**
 * @module observability/prom-text
 * Reading the Prometheus text exposition back (tests and `stockval` ops tooling): the value of one series and the
 * set of metric families. Deliberately small: it understands what prom-client writes, not the whole format.
 */

/**
 * Value of one sample line, e.g. `sampleValue(text, 'cache_hits_total{cache="valuation"}')`.
 * @returns the number, or undefined when the series is absent.
 */
export function sampleValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Metric family names declared by `# TYPE` lines (histograms by their base name). */
export function metricFamilies(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (m?.[1] !== undefined) {
      out.add(m[1]);
    }
  }
  return out;
}

/** Every sample series name (with `_bucket`/`_sum`/`_count` suffixes as written). */
export function seriesNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (m?.[1] !== undefined) {
      out.add(m[1]);
    }
  }
  return out;
}
