/**
 * @module web/charts
 * Hand-written SVG charts (no chart library): EV-to-equity waterfall, history + forecast lines, Monte Carlo
 * histogram and tornado. Loaded lazily with the results. Each chart is an `<svg role="img">` with a text summary in
 * `aria-label`, scales with its container (viewBox) and keeps its numbers readable at 375 px.
 */
import { formatNumber } from './format';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;

type Attrs = Record<string, string | number>;

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function root(h: number, label: string): SVGSVGElement {
  const svg = s('svg', { viewBox: `0 0 ${W} ${h}`, role: 'img', 'aria-label': label, class: 'chart' });
  svg.append(s('title', {}, label));
  return svg;
}

/** Rounded tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    return [lo];
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

function yAxis(
  svg: SVGSVGElement,
  y: (v: number) => number,
  vals: number[],
  x0: number,
  x1: number,
  digits: number,
) {
  for (const v of vals) {
    svg.append(
      s('line', { x1: x0, x2: x1, y1: y(v), y2: y(v), class: v === 0 ? 'axis-zero' : 'grid' }),
      s('text', { x: x0 - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, formatNumber(v, digits)),
    );
  }
}

export interface WaterfallStep {
  label: string;
  /** Change (positive adds, negative subtracts) or, for totals, the level. */
  value: number;
  total?: boolean;
}

/** Waterfall in display units (already divided by the scale). */
export function waterfall(steps: WaterfallStep[], unit: string, label: string): SVGSVGElement {
  const h = 280;
  const svg = root(h, label);
  let level = 0;
  const bars = steps.map((st) => {
    const from = st.total ? 0 : level;
    const to = st.total ? st.value : level + st.value;
    level = to;
    return { ...st, from, to };
  });
  const lo = Math.min(0, ...bars.map((b) => Math.min(b.from, b.to)));
  const hi = Math.max(0, ...bars.map((b) => Math.max(b.from, b.to)));
  const top = 24;
  const bottom = h - 56;
  const left = 70;
  const y = (v: number) => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
  yAxis(svg, y, ticks(lo, hi), left, W - 10, 0);
  svg.append(s('text', { x: 4, y: 14, class: 'tick' }, unit));
  const bw = (W - left - 20) / bars.length;
  bars.forEach((b, i) => {
    const x = left + i * bw + bw * 0.15;
    const cls = b.total ? 'bar-total' : b.value >= 0 ? 'bar-up' : 'bar-down';
    const y1 = Math.min(y(b.from), y(b.to));
    svg.append(
      s('rect', {
        x,
        y: y1,
        width: bw * 0.7,
        height: Math.max(1, Math.abs(y(b.from) - y(b.to))),
        class: cls,
      }),
      s(
        'text',
        { x: x + bw * 0.35, y: y1 - 4, 'text-anchor': 'middle', class: 'val' },
        formatNumber(b.value, 0),
      ),
      s('text', { x: x + bw * 0.35, y: bottom + 16, 'text-anchor': 'middle', class: 'tick' }, b.label),
    );
  });
  return svg;
}

export interface Series {
  name: string;
  cls: string;
  values: (number | null)[];
}

/** Lines over labelled periods; periods from `forecastFrom` on are drawn dashed behind a divider. */
export function lines(
  periods: string[],
  series: Series[],
  forecastFrom: number,
  unit: string,
  label: string,
) {
  const h = 280;
  const svg = root(h, label);
  const all = series.flatMap((x) => x.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const top = 20;
  const bottom = h - 60;
  const left = 70;
  const step = (W - left - 20) / Math.max(1, periods.length - 1);
  const x = (i: number) => left + i * step;
  const y = (v: number) => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
  yAxis(svg, y, ticks(lo, hi), left, W - 10, 0);
  svg.append(s('text', { x: 4, y: 12, class: 'tick' }, unit));
  periods.forEach((p, i) => {
    if (i % Math.ceil(periods.length / 10) === 0 || i === periods.length - 1) {
      svg.append(s('text', { x: x(i), y: bottom + 16, 'text-anchor': 'middle', class: 'tick' }, p));
    }
  });
  if (forecastFrom > 0 && forecastFrom < periods.length) {
    const dx = x(forecastFrom - 0.5);
    svg.append(s('line', { x1: dx, x2: dx, y1: top, y2: bottom, class: 'divider' }));
  }
  series.forEach((ser, si) => {
    for (const part of ['hist', 'fcst'] as const) {
      let d = '';
      let pen = false;
      ser.values.forEach((v, i) => {
        const inPart = part === 'hist' ? i < forecastFrom : i >= forecastFrom - 1;
        if (v === null || !Number.isFinite(v) || !inPart) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      });
      if (d !== '') {
        svg.append(s('path', { d, class: `line ${ser.cls} ${part === 'fcst' ? 'dashed' : ''}` }));
      }
    }
    ser.values.forEach((v, i) => {
      if (v !== null && Number.isFinite(v)) {
        svg.append(s('circle', { cx: x(i), cy: y(v), r: 3, class: `dot ${ser.cls}` }));
      }
    });
    const lx = left + si * 170;
    svg.append(
      s('rect', { x: lx, y: h - 22, width: 14, height: 4, class: `key ${ser.cls}` }),
      s('text', { x: lx + 20, y: h - 16, class: 'tick' }, ser.name),
    );
  });
  return svg;
}

/** Histogram of values (yuan per share) with markers (price, value, percentiles). */
export function histogram(
  edges: number[],
  counts: number[],
  markers: { value: number; label: string; cls: string }[],
  label: string,
): SVGSVGElement {
  const h = 260;
  const svg = root(h, label);
  const lo = Math.min(edges[0] ?? 0, ...markers.map((m) => m.value));
  const hi = Math.max(edges[edges.length - 1] ?? 1, ...markers.map((m) => m.value));
  const left = 20;
  const top = 44;
  const bottom = h - 40;
  const x = (v: number) => left + ((v - lo) / (hi - lo || 1)) * (W - left - 80);
  const max = Math.max(1, ...counts);
  counts.forEach((c, i) => {
    const a = edges[i] ?? 0;
    const b = edges[i + 1] ?? a;
    const bh = (c / max) * (bottom - top);
    svg.append(
      s('rect', {
        x: x(a) + 0.5,
        y: bottom - bh,
        width: Math.max(1, x(b) - x(a) - 1),
        height: bh,
        class: 'bar-hist',
      }),
    );
  });
  for (const v of ticks(lo, hi, 6)) {
    svg.append(
      s('text', { x: x(v), y: bottom + 16, 'text-anchor': 'middle', class: 'tick' }, formatNumber(v, 0)),
    );
  }
  markers.forEach((m, i) => {
    svg.append(
      s('line', { x1: x(m.value), x2: x(m.value), y1: top - 6, y2: bottom, class: `marker ${m.cls}` }),
      s('text', { x: x(m.value) + 3, y: 12 + (i % 3) * 12, class: `tick ${m.cls}` }, m.label),
    );
  });
  return svg;
}

export interface TornadoBarView {
  label: string;
  low: number;
  high: number;
  lowInput: string;
  highInput: string;
}

/** Tornado: bars from the value at each range end, around the base value. */
export function tornado(bars: TornadoBarView[], base: number, label: string): SVGSVGElement {
  const rowH = 34;
  const h = 40 + bars.length * rowH;
  const svg = root(h, label);
  const vals = bars.flatMap((b) => [b.low, b.high]).concat(base);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const left = 190;
  const right = W - 60;
  const x = (v: number) => left + ((v - lo) / (hi - lo || 1)) * (right - left);
  bars.forEach((b, i) => {
    const y = 20 + i * rowH;
    const a = Math.min(b.low, b.high);
    const c = Math.max(b.low, b.high);
    svg.append(
      s('text', { x: 4, y: y + 16, class: 'tick' }, b.label),
      s('rect', {
        x: x(a),
        y: y + 4,
        width: Math.max(1, x(base) - x(a)),
        height: rowH - 12,
        class: 'bar-down',
      }),
      s('rect', {
        x: x(base),
        y: y + 4,
        width: Math.max(1, x(c) - x(base)),
        height: rowH - 12,
        class: 'bar-up',
      }),
      s(
        'text',
        { x: x(a) - 4, y: y + 16, 'text-anchor': 'end', class: 'tick small' },
        formatNumber(Math.min(b.low, b.high), 0),
      ),
      s('text', { x: x(c) + 4, y: y + 16, class: 'tick small' }, formatNumber(Math.max(b.low, b.high), 0)),
    );
  });
  svg.append(s('line', { x1: x(base), x2: x(base), y1: 12, y2: h - 14, class: 'marker m-value' }));
  svg.append(
    s('text', { x: x(base), y: h - 2, 'text-anchor': 'middle', class: 'tick' }, formatNumber(base, 2)),
  );
  return svg;
}

/** Background colour of a heat-map cell: red above the reference, green below (A-share convention), white at it. */
export function heatColor(v: number | null, ref: number, lo: number, hi: number): string {
  if (v === null || !Number.isFinite(v)) {
    return '#eceef2';
  }
  const span = v >= ref ? hi - ref : ref - lo;
  const k = span > 0 ? Math.min(1, Math.abs(v - ref) / span) : 0;
  const [r, g, b] = v >= ref ? [246, 196, 192] : [190, 228, 197];
  const mix = (c: number) => Math.round(255 + (c - 255) * k);
  return `rgb(${mix(r)} ${mix(g)} ${mix(b)})`;
}
