/**
 * @module observability/prom-text
 * Reading the Prometheus text exposition back (tests and ops tooling): the value of one series and the set of metric
 * families; and the metric names a PromQL expression refers to (so CI can check that dashboards and alerts only use
 * metrics the app exports). Deliberately small: it understands what prom-client and our queries contain, not the
 * whole grammars.
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

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * Metric names referenced by a PromQL expression: string literals, label matchers, ranges, grouping clauses, numbers,
 * keywords and function calls are removed; what is left are metric names.
 * @example metricNamesIn('sum by (route) (rate(api_requests_total{status=~"5.."}[5m]))') // ['api_requests_total']
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(^|[^A-Za-z0-9_:])(\d+(ms|[smhdwy]))+\b/g, '$1 ')
    .replace(/(^|[^A-Za-z0-9_:])\d+(\.\d+)?(e[+-]?\d+)?/gi, '$1 ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = stripped.slice((m.index ?? 0) + m[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(m[0].toLowerCase())) {
      continue;
    }
    names.add(m[0]);
  }
  return [...names];
}
