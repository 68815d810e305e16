/**
 * @module web/main
 * Entry of the web UI. Search (code, name, pinyin initials; keyboard), then a valuation workspace: the server's
 * result is fetched as the reference while the engine input is loaded once and every assumption change is
 * recomputed in the browser with the shared engine. Charts, exports and account screens load on first use.
 */
import { ApiError, api, plainError } from './api';
import {
  type CompanyInput,
  type Computation,
  computeAll,
  type SensSettings,
  type ValuationOptions,
  type ValuationResult,
} from './engine';
import {
  type ChoiceField,
  FIELDS,
  type Field,
  type FlagField,
  GROUPS,
  type NumberField,
  SENS_METRICS,
  SENS_PARAMS,
  SENS_STEP,
  type SensMetric,
  type SensParam,
} from './fields';
import {
  chartScale,
  formatAmount,
  formatDate,
  formatField,
  formatMultiple,
  formatNumber,
  formatPct,
  formatPrice,
  formatScaled,
  formatSignedPct,
  fromDisplay,
  type Lang,
  tableScale,
  toDisplay,
} from './format';
import { getLang, setLang, type TextKey, t } from './i18n';
import { type Overrides, requestToOverrides } from './request';

export type { Overrides };

// ---------------------------------------------------------------------------------------------------------------
// State

export interface InputsResponse {
  ts_code: string;
  valuation_date: string;
  dataset_version: string;
  option_defaults: Record<string, number>;
  company_input: CompanyInput;
}

export interface ServerResponse {
  stock_info: Record<string, unknown> & {
    ts_code: string | null;
    name: string | null;
    industry: string | null;
  };
  valuation_results: ValuationResult & {
    current_pe: number | null;
    current_pb: number | null;
    special_industry_warning: string | null;
    historical_financial_summary: Record<string, string | number | null>[];
  };
  meta: {
    valuation_date: string;
    dataset_version: string | null;
    computed_at: string;
    options: ValuationOptions;
  };
}

export interface SensState extends SensSettings {
  metric: SensMetric;
}

export interface AppState {
  tsCode: string | null;
  inputs: InputsResponse | null;
  server: ServerResponse | null;
  /** JSON of the overrides the server result was computed with. */
  serverFor: string | null;
  serverPending: boolean;
  overrides: Overrides;
  sens: SensState;
  comp: Computation | null;
  /** Trace of the valuation without overrides: where each default comes from. */
  baseTrace: Map<string, { value: unknown; source: string; note?: string }>;
  user: { email: string } | null;
  /** Auth API present on this server (false until the accounts work lands, or on an API-only deployment). */
  authAvailable: boolean;
}

export const state: AppState = {
  tsCode: null,
  inputs: null,
  server: null,
  serverFor: null,
  serverPending: false,
  overrides: {},
  sens: {
    row: 'wacc',
    col: 'exit_multiple',
    points: 5,
    rowStep: SENS_STEP.wacc,
    colStep: SENS_STEP.exit_multiple,
    metric: 'value_per_share',
  },
  comp: null,
  baseTrace: new Map(),
  user: null,
  authAvailable: false,
};

const ENV_VARS: Record<string, string> = {
  risk_free_rate: 'RISK_FREE_RATE',
  market_risk_premium: 'MARKET_RISK_PREMIUM',
  beta: 'DEFAULT_BETA',
};

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) {
    throw new Error(`missing #${id}`);
  }
  return e as T;
};

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') {
      e.className = v;
    } else {
      e.setAttribute(k, v);
    }
  }
  e.append(...children);
  return e;
}

export function table(head: string[], rows: (string | Node)[][], caption?: string): HTMLTableElement {
  const tb = el('table');
  if (caption !== undefined) {
    tb.append(el('caption', {}, caption));
  }
  const thead = el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h))));
  const tbody = el('tbody');
  for (const r of rows) {
    tbody.append(
      el('tr', {}, ...r.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)))),
    );
  }
  tb.append(thead, tbody);
  return tb;
}

const lang = (): Lang => getLang();
const pick = (o: { zh: string; en: string }) => o[lang()];

// ---------------------------------------------------------------------------------------------------------------
// Status and progress (shown only when an operation takes longer than 300 ms)

let busy = 0;
let labelTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Runs `f`, saying what is happening once it has taken 300 ms (the progress bar itself follows every API request,
 * see api.ts). Quick operations stay silent so the page does not flicker.
 */
export async function withProgress<T>(label: string, f: () => Promise<T>): Promise<T> {
  busy++;
  clearTimeout(labelTimer);
  labelTimer = setTimeout(() => {
    $('status').textContent = label;
    $('status').className = '';
  }, 300);
  try {
    return await f();
  } finally {
    busy--;
    if (busy === 0) {
      clearTimeout(labelTimer);
      if ($('status').textContent === label) {
        $('status').textContent = '';
      }
    }
  }
}

export function showError(message: string): void {
  const s = $('status');
  s.textContent = message;
  s.className = 'error';
}

export function showInfo(message: string): void {
  const s = $('status');
  s.textContent = message;
  s.className = 'info';
}

// ---------------------------------------------------------------------------------------------------------------
// Language

function applyLang(): void {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const n of Array.from(document.querySelectorAll<HTMLElement>('[data-i18n]'))) {
    const v = t(n.dataset.i18n as TextKey);
    if (typeof v === 'string') {
      n.textContent = v;
    }
  }
  for (const n of Array.from(document.querySelectorAll<HTMLElement>('[data-i18n-aria]'))) {
    const v = t(n.dataset.i18nAria as TextKey);
    if (typeof v === 'string') {
      n.setAttribute('aria-label', v);
    }
  }
  $('lang').textContent = t('lang_toggle');
  $('lang').setAttribute('lang', lang() === 'zh' ? 'en' : 'zh-CN');
  renderAccountBar();
  if (state.inputs !== null) {
    buildForm();
    renderAll();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Search with keyboard navigation

interface Suggestion {
  ts_code: string;
  name: string;
  industry: string | null;
}
let items: Suggestion[] = [];
let active = -1;
let searchTimer: ReturnType<typeof setTimeout> | undefined;
/**
 * Bumped when the list is closed, when the text changes and when a search starts: an answer that arrives after any
 * of these is dropped, so a late search neither reopens a closed list nor shows suggestions for older text.
 */
let searchSeq = 0;

function showSuggestions(): void {
  const ul = $('suggestions');
  ul.replaceChildren(
    ...items.map((s, i) => {
      const li = el(
        'li',
        { role: 'option', id: `opt-${i}`, 'aria-selected': String(i === active) },
        `${s.ts_code} ${s.name}${s.industry ? ` · ${s.industry}` : ''}`,
      );
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        choose(i);
      });
      return li;
    }),
  );
  ul.hidden = items.length === 0;
  const q = $('q');
  q.setAttribute('aria-expanded', String(items.length > 0));
  if (active >= 0) {
    q.setAttribute('aria-activedescendant', `opt-${active}`);
  } else {
    q.removeAttribute('aria-activedescendant');
  }
}

function closeSuggestions(): void {
  clearTimeout(searchTimer);
  searchSeq++;
  items = [];
  active = -1;
  showSuggestions();
}

function choose(i: number): void {
  const s = items[i];
  if (s === undefined) {
    return;
  }
  closeSuggestions();
  $<HTMLInputElement>('q').value = s.ts_code;
  items = [];
  active = -1;
  showSuggestions();
  void valuate(s.ts_code, {});
}

function initSearch(): void {
  const q = $<HTMLInputElement>('q');
  q.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchSeq++; // an answer for the text before this edit is stale now
    const text = q.value.trim();
    if (text === '') {
      items = [];
      showSuggestions();
      return;
    }
    searchTimer = setTimeout(async () => {
      const seq = ++searchSeq;
      let found: Suggestion[];
      try {
        found = (await api<{ results: Suggestion[] }>(`/api/v1/stocks?q=${encodeURIComponent(text)}&limit=8`))
          .results;
      } catch {
        found = [];
      }
      if (seq !== searchSeq) {
        return; // closed, or a newer search started, while this one was answering
      }
      items = found;
      active = items.length > 0 ? 0 : -1;
      showSuggestions();
    }, 120);
  });
  q.addEventListener('keydown', (e) => {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && items.length > 0) {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      showSuggestions();
    } else if (e.key === 'Escape') {
      closeSuggestions();
    }
  });
  q.addEventListener('blur', () => {
    setTimeout(closeSuggestions, 100);
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (active >= 0 && items[active] !== undefined) {
      choose(active);
      return;
    }
    const text = q.value.trim();
    closeSuggestions();
    if (text === '') {
      return;
    }
    if (/^\d{6}\.(SH|SZ|BJ)$/i.test(text)) {
      void valuate(text.toUpperCase(), {});
      return;
    }
    // A name, initials or a bare 6-digit code: value the best match.
    void api<{ results: Suggestion[] }>(`/api/v1/stocks?q=${encodeURIComponent(text)}&limit=1`)
      .then((r) => {
        const best = r.results[0];
        if (best === undefined) {
          showError(t('err_not_found'));
          return;
        }
        q.value = best.ts_code;
        return valuate(best.ts_code, {}).then(() => undefined);
      })
      .catch((err) => showError(plainError(err)));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Valuation

const SERVER_SECTIONS = { scenarios: true, reverse_dcf: true, monte_carlo: true, tornado: true };

function serverBody(tsCode: string, overrides: Overrides) {
  return {
    ts_code: tsCode,
    ...overrides,
    ...SERVER_SECTIONS,
    sensitivity_analysis: {
      row_axis: { parameter_name: state.sens.row, step: state.sens.rowStep, points: state.sens.points },
      column_axis: { parameter_name: state.sens.col, step: state.sens.colStep, points: state.sens.points },
    },
  };
}

/** The current valuation request without analysis sections (what reports and history record). */
export function serverRequest(): Record<string, unknown> {
  return { ts_code: state.tsCode, ...state.overrides };
}

/** Asks the server for the reference result of the current assumptions. */
export async function fetchServer(): Promise<void> {
  const code = state.tsCode;
  if (code === null) {
    return;
  }
  const key = JSON.stringify(state.overrides);
  state.serverPending = true;
  renderReference();
  try {
    // The analysis sections apply to DCF valuations only (the server refuses them for banks, insurers, brokers).
    const dcf = state.comp?.result.ok === true && state.comp.result.value.model === 'dcf';
    const body = dcf ? serverBody(code, state.overrides) : { ts_code: code, ...state.overrides };
    const r = await api<ServerResponse>('/api/v1/valuation', { method: 'POST', body });
    if (state.tsCode === code) {
      state.server = r;
      state.serverFor = key;
    }
  } catch (err) {
    if (state.tsCode === code) {
      state.server = null;
      state.serverFor = null;
      showError(plainError(err));
    }
  } finally {
    state.serverPending = false;
    renderReference();
  }
}

/** Loads a stock (engine input + server reference) and values it with the given overrides. */
export async function valuate(
  tsCode: string,
  overrides: Overrides,
  sens?: Partial<SensState>,
): Promise<boolean> {
  void import('./charts');
  return withProgress(t('loading_inputs'), async () => {
    try {
      const inputs = await api<InputsResponse>(`/api/v1/stocks/${encodeURIComponent(tsCode)}/inputs`);
      state.tsCode = inputs.ts_code;
      state.inputs = inputs;
      state.overrides = { ...overrides };
      state.server = null;
      state.serverFor = null;
      $('report-body').replaceChildren();
      $('report-status').textContent = '';
      if (sens !== undefined) {
        state.sens = { ...state.sens, ...sens };
      }
      const base = computeAll(inputs.company_input, inputs.option_defaults, state.sens, 1000);
      state.baseTrace = new Map(
        base.result.ok ? base.result.value.assumptions_trace.map((e) => [e.field, e] as const) : [],
      );
      $('result').hidden = false;
      $('workspace').hidden = false;
      buildForm();
      recompute(10_000);
      void fetchServer();
      return true;
    } catch (err) {
      showError(plainError(err));
      return false;
    }
  });
}

/** Recomputes in the browser from the current overrides and redraws. */
export function recompute(mcPaths: number): void {
  if (state.inputs === null) {
    return;
  }
  const options = { ...state.inputs.option_defaults, ...state.overrides } as ValuationOptions;
  state.comp = computeAll(state.inputs.company_input, options, state.sens, mcPaths);
  renderAll();
  scheduleSave();
}

let frame = 0;
function recomputeSoon(mcPaths: number): void {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(() => recompute(mcPaths));
}

// ---------------------------------------------------------------------------------------------------------------
// Assumptions form

function sourceLabel(field: string, key: string): string {
  if (key in (state.inputs?.option_defaults ?? {})) {
    return `${t('src_env')} ${ENV_VARS[key] ?? ''}`.trim();
  }
  const e = state.baseTrace.get(field);
  if (e === undefined) {
    return t('src_default');
  }
  const k = `src_${e.source}` as TextKey;
  const label = t(k);
  return typeof label === 'string' ? label + (e.note ? ` · ${e.note}` : '') : e.source;
}

function defaultOf(f: Field): number | string | boolean {
  if (f.type === 'flag') {
    return f.fallback;
  }
  if (f.type === 'choice') {
    const v = f.trace !== undefined ? state.baseTrace.get(f.trace)?.value : undefined;
    return typeof v === 'string' ? v : f.fallback;
  }
  const env = state.inputs?.option_defaults[f.key];
  if (env !== undefined) {
    return env;
  }
  const v = state.baseTrace.get(f.trace)?.value;
  return typeof v === 'number' ? v : (f.fallback ?? Number.NaN);
}

function currentOf(f: Field): number | string | boolean {
  return state.overrides[f.key] ?? defaultOf(f);
}

function setOverride(f: Field, value: number | string | boolean | undefined, mcPaths: number): void {
  if (value === undefined || value === defaultOf(f)) {
    delete state.overrides[f.key];
  } else {
    state.overrides[f.key] = value;
  }
  const row = document.querySelector<HTMLElement>(`[data-field="${f.key}"]`);
  row?.classList.toggle('changed', f.key in state.overrides);
  const reset = row?.querySelector<HTMLButtonElement>('button.reset');
  if (reset) {
    reset.disabled = !(f.key in state.overrides);
  }
  syncTerminalVisibility();
  recomputeSoon(mcPaths);
}

function numberRow(f: NumberField): HTMLElement {
  const id = `f-${f.key}`;
  const cur = Number(currentOf(f));
  const def = defaultOf(f);
  const dispStep = f.kind === 'pct' ? f.step * 100 : f.step;
  const min = Math.min(f.min, Number.isFinite(cur) ? cur : f.min);
  const max = Math.max(f.max, Number.isFinite(cur) ? cur : f.max);
  const range = el('input', {
    type: 'range',
    id: `${id}-range`,
    min: String(toDisplay(f.kind, min)),
    max: String(toDisplay(f.kind, max)),
    step: String(dispStep),
    'aria-describedby': `${id}-help ${id}-def`,
    'aria-label': pick(f.label),
  });
  const box = el('input', {
    type: 'number',
    id,
    step: 'any',
    inputmode: 'decimal',
    'aria-describedby': `${id}-help ${id}-def`,
  });
  const show = (v: number) => {
    const d = toDisplay(f.kind, v);
    range.value = String(d);
    box.value = Number.isFinite(d) ? String(Number(d.toFixed(4))) : '';
  };
  show(cur);
  range.addEventListener('input', () => {
    const v = fromDisplay(f.kind, Number(range.value));
    box.value = String(Number(Number(range.value).toFixed(4)));
    setOverride(f, f.kind === 'years' ? Math.round(v) : v, 2000);
  });
  range.addEventListener('change', () => recomputeSoon(10_000));
  box.addEventListener('change', () => {
    if (box.value.trim() === '') {
      setOverride(f, undefined, 10_000);
      show(Number(defaultOf(f)));
      return;
    }
    const v = fromDisplay(f.kind, Number(box.value));
    if (Number.isFinite(v)) {
      range.value = box.value;
      setOverride(f, f.kind === 'years' ? Math.round(v) : v, 10_000);
    }
  });
  const unit =
    f.kind === 'pct'
      ? '%'
      : f.kind === 'days'
        ? lang() === 'zh'
          ? '天'
          : 'd'
        : f.kind === 'years'
          ? lang() === 'zh'
            ? '年'
            : 'y'
          : f.kind === 'multiple'
            ? '×'
            : '';
  const reset = el(
    'button',
    { type: 'button', class: 'reset', 'aria-label': `${t('reset')}: ${pick(f.label)}`, title: t('reset') },
    '↺',
  );
  reset.disabled = !(f.key in state.overrides);
  reset.addEventListener('click', () => {
    show(Number(def));
    setOverride(f, undefined, 10_000);
  });
  return el(
    'div',
    { class: `field${f.key in state.overrides ? ' changed' : ''}`, 'data-field': f.key },
    el('label', { for: id }, pick(f.label)),
    el(
      'div',
      { class: 'controls' },
      range,
      el('span', { class: 'num' }, box, el('span', { class: 'unit' }, unit)),
      reset,
    ),
    el(
      'p',
      { class: 'def', id: `${id}-def` },
      `${t('default_is')} ${formatField(f.kind, typeof def === 'number' ? def : null, lang())} · ${sourceLabel(f.trace, f.key)}`,
    ),
    el('p', { class: 'help', id: `${id}-help` }, pick(f.help)),
  );
}

function choiceRow(f: ChoiceField): HTMLElement {
  const id = `f-${f.key}`;
  const sel = el('select', { id, 'aria-describedby': `${id}-help` });
  for (const o of f.options) {
    const opt = el('option', { value: o.value }, o[lang()]);
    sel.append(opt);
  }
  sel.value = String(currentOf(f));
  sel.addEventListener('change', () => setOverride(f, sel.value, 10_000));
  const def = f.options.find((o) => o.value === defaultOf(f));
  return el(
    'div',
    { class: 'field', 'data-field': f.key },
    el('label', { for: id }, pick(f.label)),
    el('div', { class: 'controls' }, sel),
    el(
      'p',
      { class: 'def' },
      `${t('default_is')} ${def ? def[lang()] : ''} · ${f.trace ? sourceLabel(f.trace, f.key) : t('src_default')}`,
    ),
    el('p', { class: 'help', id: `${id}-help` }, pick(f.help)),
  );
}

function flagRow(f: FlagField): HTMLElement {
  const id = `f-${f.key}`;
  const box = el('input', { type: 'checkbox', id, 'aria-describedby': `${id}-help` });
  box.checked = Boolean(currentOf(f));
  box.addEventListener('change', () => setOverride(f, box.checked, 10_000));
  return el(
    'div',
    { class: 'field flag', 'data-field': f.key },
    el('div', { class: 'controls' }, box, el('label', { for: id }, pick(f.label))),
    el(
      'p',
      { class: 'help', id: `${id}-help` },
      `${pick(f.help)} ${t('default_is')}: ${f.fallback ? '✓' : '✗'}`,
    ),
  );
}

function syncTerminalVisibility(): void {
  const method = String(
    state.overrides.terminal_value_method ??
      defaultOf(FIELDS.find((f) => f.key === 'terminal_value_method') as Field),
  );
  const exit = document.querySelector<HTMLElement>('[data-field="exit_multiple"]');
  const pgr = document.querySelector<HTMLElement>('[data-field="perpetual_growth_rate"]');
  if (exit && pgr) {
    exit.hidden = method !== 'exit_multiple';
    pgr.hidden = method !== 'perpetual_growth';
  }
}

function sensControls(): HTMLElement {
  const mk = (
    id: string,
    label: string,
    values: readonly string[],
    current: string,
    text: (v: string) => string,
  ) => {
    const sel = el('select', { id });
    for (const v of values) {
      sel.append(el('option', { value: v }, text(v)));
    }
    sel.value = current;
    return el(
      'div',
      { class: 'field' },
      el('label', { for: id }, label),
      el('div', { class: 'controls' }, sel),
    );
  };
  const pname = (p: string) => String(t(`p_${p}` as TextKey));
  const wrap = el(
    'div',
    { class: 'sens-controls' },
    mk('sens-row', t('row_axis'), SENS_PARAMS, state.sens.row, pname),
    mk('sens-col', t('col_axis'), SENS_PARAMS, state.sens.col, pname),
    mk('sens-points', t('points'), ['3', '5', '7', '9'], String(state.sens.points), (v) => v),
    mk('sens-metric', t('metric'), SENS_METRICS, state.sens.metric, (m) => String(t(`m_${m}` as TextKey))),
  );
  wrap.addEventListener('change', () => {
    const row = $<HTMLSelectElement>('sens-row').value as SensParam;
    let col = $<HTMLSelectElement>('sens-col').value as SensParam;
    if (col === row) {
      col = SENS_PARAMS.find((p) => p !== row) ?? 'exit_multiple';
      $<HTMLSelectElement>('sens-col').value = col;
    }
    state.sens = {
      row,
      col,
      points: Number($<HTMLSelectElement>('sens-points').value),
      rowStep: SENS_STEP[row],
      colStep: SENS_STEP[col],
      metric: $<HTMLSelectElement>('sens-metric').value as SensMetric,
    };
    recomputeSoon(10_000);
  });
  return wrap;
}

function buildForm(): void {
  const form = $('assumptions-body');
  const groups = GROUPS.map((g) => {
    const narrow = window.matchMedia('(max-width: 860px)').matches;
    const det = el(
      'details',
      narrow && g !== 'wacc' ? {} : { open: '' },
      el('summary', {}, String(t(`group_${g}` as TextKey))),
    );
    for (const f of FIELDS.filter((x) => x.group === g)) {
      det.append(f.type === 'number' ? numberRow(f) : f.type === 'choice' ? choiceRow(f) : flagRow(f));
    }
    return det;
  });
  const sens = el('details', {}, el('summary', {}, t('group_sensitivity')), sensControls());
  const resetAll = el('button', { type: 'button', id: 'reset-all', class: 'secondary' }, t('reset_all'));
  resetAll.addEventListener('click', () => {
    state.overrides = {};
    buildForm();
    recompute(10_000);
  });
  form.replaceChildren(...groups, sens, resetAll);
  syncTerminalVisibility();
}

// ---------------------------------------------------------------------------------------------------------------
// Results

function card(label: string, value: string, extra: Record<string, string> = {}): HTMLElement {
  return el(
    'div',
    { class: 'card', ...extra },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value' }, value),
  );
}

function renderReference(): void {
  const box = $('reference');
  const local = state.comp?.result.ok ? state.comp.result.value.value_per_share : null;
  const srv = state.server?.valuation_results.value_per_share ?? null;
  if (state.serverPending) {
    box.replaceChildren(el('span', { class: 'badge pending' }, t('server_pending')));
    return;
  }
  if (state.server === null) {
    box.replaceChildren();
    return;
  }
  const same =
    state.serverFor === JSON.stringify(state.overrides) &&
    local !== null &&
    srv !== null &&
    Math.abs(local - srv) <= 1e-6 * Math.max(1, Math.abs(srv));
  const btn = el('button', { type: 'button', class: 'secondary', id: 'recheck' }, t('recheck'));
  btn.addEventListener('click', () => void fetchServer());
  box.replaceChildren(
    el(
      'span',
      { class: `badge ${same ? 'ok' : 'differs'}`, id: 'server-vps', 'data-vps': String(srv) },
      `${t('server_label')}: ${formatPrice(srv, lang())}`,
    ),
    el('span', { class: 'muted' }, same ? `✓ ${t('server_match')}` : `≠ ${t('server_differs')}`),
    ...(same ? [] : [btn]),
  );
}

function renderCards(r: ValuationResult): void {
  const d = r.dcf_forecast_details;
  const up = r.upside;
  const cards = [
    card(t('vps'), formatPrice(r.value_per_share, lang()), {
      id: 'card-vps',
      'data-vps': String(r.value_per_share),
    }),
    card(t('price'), formatPrice(r.latest_price, lang())),
    card(t('upside'), formatSignedPct(up), { class: `card ${up === null ? '' : up >= 0 ? 'up' : 'down'}` }),
    card(t('mos'), formatPct(r.margin_of_safety)),
  ];
  if (d !== null) {
    cards.push(
      card(t('wacc'), formatPct(d.wacc_used), { id: 'card-wacc' }),
      card(t('tv_share'), formatPct(d.tv_ev_ratio)),
      card(t('implied_pe'), formatMultiple(d.dcf_implied_diluted_pe)),
      card(t('ev'), formatAmount(d.enterprise_value, lang())),
      card(t('equity'), formatAmount(d.equity_value, lang())),
    );
  }
  $('cards').replaceChildren(...cards);
  const bar = $('sticky');
  bar.hidden = false;
  bar.textContent = `${t('vps')} ${formatPrice(r.value_per_share, lang())} · ${t('upside')} ${formatSignedPct(up)}`;
}

function renderAsOf(r: ValuationResult): void {
  const info = state.server?.stock_info;
  const m = r.data_quality;
  const parts = [
    `${t('price_date')} ${formatDate(state.inputs?.company_input.market.price_as_of ?? null)}`,
    `${t('shares_date')} ${formatDate(state.inputs?.company_input.market.shares_as_of ?? null)}`,
    `${t('report_date')} ${formatDate(m.latest_annual_end_date)}`,
    `${t('balance_date')} ${formatDate(m.bridge_balance_end_date)}`,
    `${t('valuation_date')} ${state.inputs?.valuation_date ?? '—'}`,
    `${t('dataset')} ${state.inputs?.dataset_version.slice(0, 8) ?? '—'}`,
  ];
  $('title').textContent =
    `${state.inputs?.company_input.name ?? ''} (${state.tsCode ?? ''})${info?.industry ? ` · ${info.industry}` : ''}`;
  $('asof').textContent = `${t('as_of')}: ${parts.join(' · ')}`;
}

function renderForecastTable(r: ValuationResult): void {
  const rows = r.detailed_forecast_table;
  const sc = tableScale(
    rows.flatMap((y) => [y.revenue, y.ebit, y.ufcf]),
    lang(),
  );
  const cols: [string, (y: (typeof rows)[number]) => string][] = [
    [t('revenue'), (y) => formatScaled(y.revenue, sc)],
    [t('growth'), (y) => formatPct(y.revenue_growth_rate, 1)],
    ['EBIT', (y) => formatScaled(y.ebit, sc)],
    [t('nopat'), (y) => formatScaled(y.nopat, sc)],
    [t('da'), (y) => formatScaled(y.d_a, sc)],
    [t('capex'), (y) => formatScaled(y.capex, sc)],
    [t('dnwc'), (y) => formatScaled(y.delta_nwc, sc)],
    [t('ufcf'), (y) => formatScaled(y.ufcf, sc)],
    [t('pv'), (y) => formatScaled(y.pv_ufcf, sc)],
  ];
  $('forecast').replaceChildren(
    table(
      [t('year'), ...cols.map(([h]) => h)],
      rows.map((y) => [String(y.year), ...cols.map(([, f]) => f(y))]),
      `${t('forecast_table')}（${sc.unit}）`
        .replace('（', lang() === 'zh' ? '（' : ' (')
        .replace('）', lang() === 'zh' ? '）' : ')'),
    ),
  );
}

function formatMetric(m: SensMetric, v: number | null): string {
  switch (m) {
    case 'value_per_share':
      return formatNumber(v, 2);
    case 'enterprise_value':
    case 'equity_value':
      return formatScaled(v, { div: lang() === 'zh' ? 1e8 : 1e9, unit: '' }, 1);
    case 'tv_ev_ratio':
    case 'implied_pgr':
      return formatPct(v, 1);
    default:
      return formatMultiple(v, 1);
  }
}

function formatParam(p: SensParam, v: number): string {
  return p === 'exit_multiple' ? formatMultiple(v, 1) : formatPct(v, 2);
}

async function renderHeatmap(c: Computation): Promise<void> {
  const box = $('heatmap');
  if (!c.sensitivity.ok) {
    box.replaceChildren(sectionError(c.sensitivity));
    return;
  }
  const charts = await import('./charts');
  const s = c.sensitivity.value;
  const m = state.sens.metric;
  const tableData = s.result_tables[m];
  const flat = tableData.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const mid = Math.floor(s.row_values.length / 2);
  const midC = Math.floor(s.column_values.length / 2);
  const ref = tableData[mid]?.[midC] ?? flat[0] ?? 0;
  const lo = Math.min(...flat);
  const hi = Math.max(...flat);
  const unitNote =
    m === 'enterprise_value' || m === 'equity_value'
      ? ` (${lang() === 'zh' ? '亿元' : 'CNY bn'})`
      : m === 'value_per_share'
        ? ` (${lang() === 'zh' ? '元/股' : 'CNY per share'})`
        : '';
  const rowName = String(t(`p_${s.row_parameter}` as TextKey));
  const colName = String(t(`p_${s.column_parameter}` as TextKey));
  const tb = el('table', { class: 'heat', id: 'heat-table' });
  tb.append(
    el('caption', {}, `${String(t(`m_${m}` as TextKey))}${unitNote}. ${t('heat_caption')(rowName, colName)}`),
  );
  tb.append(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, `${rowName} \\ ${colName}`),
        ...s.column_values.map((v) =>
          el('th', { scope: 'col' }, formatParam(s.column_parameter as SensParam, v)),
        ),
      ),
    ),
  );
  const body = el('tbody');
  s.row_values.forEach((rv, i) => {
    const tr = el('tr', {}, el('th', { scope: 'row' }, formatParam(s.row_parameter as SensParam, rv)));
    s.column_values.forEach((_, j) => {
      const v = tableData[i]?.[j] ?? null;
      const td = el('td', { class: i === mid && j === midC ? 'base' : '' }, formatMetric(m, v));
      td.style.background = charts.heatColor(v, ref, lo, hi);
      tr.append(td);
    });
    body.append(tr);
  });
  tb.append(body);
  box.replaceChildren(el('div', { class: 'scroll' }, tb));
}

function historySeries(input: CompanyInput, r: ValuationResult) {
  const annual = (rows: Record<string, unknown>[]) => {
    const map = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const end = String(row.end_date ?? '');
      if (
        end.endsWith('1231') &&
        end <= (r.data_quality.latest_annual_end_date ?? '99999999') &&
        !map.has(end)
      ) {
        map.set(end, row);
      }
    }
    return map;
  };
  const inc = annual(input.income);
  const cf = annual(input.cashflow);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const years = [...inc.keys()].sort().slice(-5);
  const hist = years.map((y) => {
    const i = inc.get(y) ?? {};
    const c = cf.get(y) ?? {};
    const ocf = num(c.n_cashflow_act);
    const capex = num(c.c_pay_acq_const_fiolta);
    return {
      label: y.slice(0, 4),
      revenue: num(i.revenue) ?? num(i.total_revenue),
      ebit: num(i.operate_profit),
      fcf: ocf !== null && capex !== null ? ocf - capex : null,
    };
  });
  const lastYear = Number(years[years.length - 1]?.slice(0, 4) ?? r.valuation_date.slice(0, 4));
  const fc = r.detailed_forecast_table.map((y) => ({
    label: `${lastYear + y.year}E`,
    revenue: y.revenue,
    ebit: y.ebit,
    fcf: y.ufcf,
  }));
  return { rows: [...hist, ...fc], forecastFrom: hist.length };
}

async function renderCharts(c: Computation, r: ValuationResult): Promise<void> {
  const charts = await import('./charts');
  const d = r.dcf_forecast_details;
  if (d !== null) {
    const sc = chartScale([d.enterprise_value, d.equity_value], lang());
    const other = d.enterprise_value - d.net_debt - d.equity_value;
    const steps = [
      { label: t('pv_ufcf'), value: d.pv_forecast_ufcf / sc.div },
      { label: t('pv_tv'), value: d.pv_terminal_value / sc.div },
      { label: t('ev'), value: d.enterprise_value / sc.div, total: true },
      { label: d.net_debt >= 0 ? t('net_debt') : t('net_cash'), value: -d.net_debt / sc.div },
      { label: t('minority_other'), value: -other / sc.div },
      { label: t('equity'), value: d.equity_value / sc.div, total: true },
    ];
    const summary = steps.map((s) => `${s.label} ${formatNumber(s.value, 1)}`).join('; ');
    $('bridge-chart').replaceChildren(
      charts.waterfall(steps, sc.unit, `${t('bridge')} (${sc.unit}): ${summary}`),
    );
  } else {
    // Banks, insurers, brokers: the equity model's own figures instead of an EV bridge.
    const details = Object.entries(r.model_details ?? {}).filter(
      ([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean',
    );
    $('bridge-chart').replaceChildren(
      el('p', { class: 'muted' }, `${t('model_used')}: ${r.model}`),
      table(
        [t('field'), t('value')],
        details.map(([k, v]) => [
          k,
          typeof v === 'number'
            ? Math.abs(v) >= 1e4
              ? formatAmount(v, lang())
              : String(Number(v.toPrecision(6)))
            : String(v),
        ]),
      ),
    );
  }
  if (state.inputs !== null) {
    const h = historySeries(state.inputs.company_input, r);
    const sc = tableScale(
      h.rows.flatMap((x) => [x.revenue, x.ebit, x.fcf]),
      lang(),
    );
    const div = (v: number | null) => (v === null ? null : v / sc.div);
    const series = [
      { name: t('revenue'), cls: 's1', values: h.rows.map((x) => div(x.revenue)) },
      { name: t('ebit'), cls: 's2', values: h.rows.map((x) => div(x.ebit)) },
      { name: t('fcf'), cls: 's3', values: h.rows.map((x) => div(x.fcf)) },
    ];
    $('history-chart').replaceChildren(
      charts.lines(
        h.rows.map((x) => x.label),
        series,
        h.forecastFrom,
        sc.unit,
        `${t('chart_history')} (${sc.unit})`,
      ),
    );
  }
  // Scenarios + Monte Carlo
  const scen = $('scenarios');
  const parts: Node[] = [];
  if (c.scenarios.ok) {
    const sv = c.scenarios.value;
    parts.push(
      table(
        [t('scenario'), t('weight'), t('vps'), t('upside')],
        sv.scenarios.map((o) => [
          String(t(`s_${o.name}` as TextKey) ?? o.name),
          formatPct(o.weight, 0),
          formatNumber(o.value_per_share, 2),
          formatSignedPct(o.upside),
        ]),
        `${t('weighted')}: ${formatPrice(sv.weighted_value_per_share, lang())} (${formatSignedPct(sv.weighted_upside)})`,
      ),
    );
  } else {
    parts.push(sectionError(c.scenarios));
  }
  if (c.monteCarlo.ok && c.monteCarlo.value.histogram && c.monteCarlo.value.percentiles !== null) {
    const mc = c.monteCarlo.value;
    const p = mc.percentiles as NonNullable<typeof mc.percentiles>;
    const markers = [
      ...(mc.price !== null
        ? [{ value: mc.price, label: `${t('price')} ${formatNumber(mc.price, 0)}`, cls: 'm-price' }]
        : []),
      { value: p.p5, label: `P5 ${formatNumber(p.p5, 0)}`, cls: 'm-pct' },
      { value: p.p50, label: `P50 ${formatNumber(p.p50, 0)}`, cls: 'm-value' },
      { value: p.p95, label: `P95 ${formatNumber(p.p95, 0)}`, cls: 'm-pct' },
    ];
    const caption = t('mc_caption')(mc.valid_paths, formatPct(mc.probability_above_price, 1));
    parts.push(
      el('p', { class: 'muted' }, caption),
      charts.histogram(mc.histogram?.bin_edges ?? [], mc.histogram?.counts ?? [], markers, caption),
    );
  } else if (!c.monteCarlo.ok && c.monteCarlo.code !== 'NOT_DCF') {
    parts.push(sectionError(c.monteCarlo));
  }
  scen.replaceChildren(...parts);
  // Tornado
  if (c.tornado.ok) {
    const tv = c.tornado.value;
    const bars = tv.bars
      .filter((b) => b.value_at_low !== null && b.value_at_high !== null)
      .map((b) => ({
        label: String(t(`p_${b.driver}` as TextKey) ?? b.driver),
        low: b.value_at_low as number,
        high: b.value_at_high as number,
        lowInput: formatParam(b.driver as SensParam, b.low_input),
        highInput: formatParam(b.driver as SensParam, b.high_input),
      }));
    const label = `${t('tornado')}: ${bars.map((b) => `${b.label} ${b.lowInput}→${formatNumber(b.low, 0)}, ${b.highInput}→${formatNumber(b.high, 0)}`).join('; ')}`;
    $('tornado').replaceChildren(
      el('p', { class: 'muted' }, t('tornado_caption')),
      charts.tornado(bars, tv.base_value_per_share, label),
      table(
        [t('field'), `${t('value')} (−)`, t('vps'), `${t('value')} (+)`, t('vps')],
        bars.map((b) => [b.label, b.lowInput, formatNumber(b.low, 2), b.highInput, formatNumber(b.high, 2)]),
      ),
    );
  } else {
    $('tornado').replaceChildren(sectionError(c.tornado));
  }
}

/** Why an analysis is missing, in plain words. */
function sectionError(o: { ok: false; error: string; code: string | null }): HTMLElement {
  if (o.code === 'NOT_DCF') {
    return el('p', { class: 'muted' }, t('dcf_only'));
  }
  return el('p', { class: 'error' }, `${t('err_engine')}${o.error}`);
}

function renderReverse(c: Computation, r: ValuationResult): void {
  const box = $('reverse');
  if (!c.reverse.ok) {
    box.replaceChildren(sectionError(c.reverse));
    return;
  }
  const [g, w] = c.reverse.value;
  const lines: string[] = [];
  if (g?.solved) {
    lines.push(
      t('reverse_growth')(
        formatPrice(r.latest_price, lang()),
        formatPct(g.implied_value, 1),
        formatPct(g.base_value, 1),
      ),
    );
  } else {
    lines.push(t('reverse_none'));
  }
  if (w?.solved) {
    lines.push(t('reverse_wacc')(formatPct(w.implied_value, 2)));
  }
  box.replaceChildren(...lines.map((l) => el('p', { class: 'sentence' }, l)));
}

function renderWarnings(c: Computation, r: ValuationResult): void {
  const sev = { info: 'ℹ', warning: '⚠', critical: '⛔' } as const;
  const lis = r.warnings.map((w) =>
    el(
      'li',
      { class: `sev-${w.severity}` },
      `${sev[w.severity]} ${lang() === 'zh' ? w.message_zh : w.message_en}`,
    ),
  );
  if (r.not_applicable) {
    const na = r.not_applicable as unknown as { reason_zh?: string; reason_en?: string };
    lis.unshift(
      el(
        'li',
        { class: 'sev-critical' },
        `⛔ ${t('not_applicable')}${(lang() === 'zh' ? na.reason_zh : na.reason_en) ?? ''}`,
      ),
    );
  }
  const special = state.server?.valuation_results.special_industry_warning;
  if (typeof special === 'string') {
    lis.unshift(el('li', { class: 'sev-warning' }, `⚠ ${special}`));
  }
  $('warnings').replaceChildren(...(lis.length > 0 ? lis : [el('li', {}, t('no_warnings'))]));
  void c;
}

function renderTrace(r: ValuationResult): void {
  const fmt = (v: unknown) =>
    typeof v === 'number'
      ? Math.abs(v) >= 1e4
        ? formatAmount(v, lang())
        : String(Number(v.toPrecision(6)))
      : String(v);
  $('trace').replaceChildren(
    table(
      [t('field'), t('value'), t('source'), t('note')],
      r.assumptions_trace.map((e) => [
        e.field,
        fmt(e.value),
        (() => {
          const s = t(`src_${e.source}` as TextKey);
          return typeof s === 'string' ? s : e.source;
        })(),
        e.note ?? '',
      ]),
    ),
  );
}

/** Redraws everything from the current computation. */
export function renderAll(): void {
  const c = state.comp;
  if (c === null) {
    return;
  }
  if (!c.result.ok) {
    showError(plainError(new Error(c.result.error)));
    $('cards').replaceChildren();
    renderReference();
    return;
  }
  if ($('status').className === 'error') {
    $('status').textContent = '';
  }
  const r = c.result.value;
  $('compute-ms').textContent = `· ${t('computed_in')(Math.max(1, Math.round(c.ms)))}`;
  const note = $('model-note');
  note.hidden = r.model === 'dcf';
  note.textContent = r.model === 'dcf' ? '' : `${t('model_used')}: ${r.model}. ${t('equity_model_note')}`;
  renderAsOf(r);
  renderCards(r);
  renderReference();
  renderForecastTable(r);
  renderReverse(c, r);
  renderWarnings(c, r);
  renderTrace(r);
  void renderHeatmap(c);
  void renderCharts(c, r);
}

// ---------------------------------------------------------------------------------------------------------------
// Workspace: saved locally always, and to the account when logged in

/**
 * Saved workspace. `inputs` is a valuation request (`{ts_code, ...options}`), the same shape the server records
 * when a signed-in user values a stock, so either writer's workspace restores the same way.
 */
export interface Workspace {
  inputs: Record<string, unknown>;
  result_summary: Record<string, number | null>;
  ui_state: { sens: SensState; lang: Lang };
}

export function currentWorkspace(): Workspace | null {
  if (state.tsCode === null) {
    return null;
  }
  const r = state.comp?.result.ok ? state.comp.result.value : null;
  return {
    inputs: { ts_code: state.tsCode, ...state.overrides },
    result_summary: {
      value_per_share: r?.value_per_share ?? null,
      latest_price: r?.latest_price ?? null,
      upside: r?.upside ?? null,
      margin_of_safety: r?.margin_of_safety ?? null,
      wacc: r?.dcf_forecast_details?.wacc_used ?? null,
    },
    ui_state: { sens: state.sens, lang: lang() },
  };
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveWorkspace(), 600);
}

export async function saveWorkspace(): Promise<void> {
  const ws = currentWorkspace();
  if (ws === null) {
    return;
  }
  localStorage.setItem('stockval.workspace', JSON.stringify(ws));
  if (state.user !== null) {
    try {
      await api('/api/v1/workspace', { method: 'PUT', body: ws });
      // Tests (and curious users) can see what the account holds.
      document.body.dataset.saved = JSON.stringify(ws.inputs);
    } catch {
      // Saved locally; the account copy is refreshed at the next change.
    }
  }
}

/** Restores a workspace (from the account or this browser). */
export async function restoreWorkspace(ws: Partial<Workspace> | null): Promise<boolean> {
  const { tsCode: code, overrides } = requestToOverrides(ws?.inputs);
  if (code === null) {
    return false;
  }
  $<HTMLInputElement>('q').value = code;
  const sens = ws?.ui_state?.sens;
  const ok = await valuate(code, overrides, sens !== null && typeof sens === 'object' ? sens : undefined);
  if (ok) {
    showInfo(t('restored')(code));
    document.body.dataset.restored = code;
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------------------------
// Account bar (the account screens themselves load on first use)

export function renderAccountBar(): void {
  const bar = $('account-bar');
  const btn = (id: string, key: TextKey, onClick: () => void) => {
    const b = el('button', { type: 'button', id, class: 'secondary' }, String(t(key)));
    b.addEventListener('click', onClick);
    return b;
  };
  const open = (what: 'login' | 'history' | 'watchlist' | 'account' | 'logout') => () =>
    void import('./account').then((m) => m.open(what));
  if (!state.authAvailable) {
    const b = el(
      'button',
      { type: 'button', id: 'login-btn', class: 'secondary', disabled: '' },
      `${t('login')} (${t('not_available')})`,
    );
    bar.replaceChildren(b);
    return;
  }
  if (state.user === null) {
    bar.replaceChildren(btn('login-btn', 'login', open('login')));
    return;
  }
  bar.replaceChildren(
    el('span', { class: 'muted', id: 'user-email' }, state.user.email),
    btn('history-btn', 'history', open('history')),
    btn('watch-btn', 'watchlist', open('watchlist')),
    btn('account-btn', 'account', open('account')),
    btn('logout-btn', 'logout', open('logout')),
  );
}

async function initAuth(): Promise<void> {
  try {
    const me = await api<{ user?: { email: string }; email?: string }>('/api/v1/auth/me');
    state.authAvailable = true;
    const email = me.user?.email ?? me.email;
    state.user = email !== undefined ? { email } : null;
  } catch (err) {
    state.authAvailable = err instanceof ApiError && (err.status === 401 || err.status === 403);
    state.user = null;
  }
  renderAccountBar();
}

/** After login: the account's saved workspace wins over the browser's. */
export async function loadAccountWorkspace(): Promise<boolean> {
  try {
    const ws = await api<Partial<Workspace> | { workspace: Partial<Workspace> | null } | null>(
      '/api/v1/workspace',
    );
    const w = ws !== null && 'workspace' in ws ? ws.workspace : (ws as Partial<Workspace> | null);
    return await restoreWorkspace(w);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Export buttons

function initScreener(): void {
  $('screener').addEventListener('toggle', () => {
    if ((document.getElementById('screener') as HTMLDetailsElement).open) {
      void import('./screener').then((m) => m.openScreener());
    }
  });
}

function initReport(): void {
  $('report-btn').addEventListener('click', () => {
    void import('./report').then((m) => m.writeReport());
  });
}

function initExport(): void {
  for (const kind of ['csv', 'xlsx', 'md'] as const) {
    $(`export-${kind}`).addEventListener('click', () => {
      void withProgress(t('loading'), async () => {
        const m = await import('./export');
        m.exportFile(kind);
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Boot

async function boot(): Promise<void> {
  const saved = localStorage.getItem('stockval.lang');
  setLang(saved === 'en' ? 'en' : 'zh');
  $('boot').remove();
  $('lang').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    localStorage.setItem('stockval.lang', lang());
    applyLang();
    scheduleSave();
  });
  initSearch();
  initExport();
  initReport();
  initScreener();
  applyLang();
  await initAuth();
  let restored = false;
  if (state.user !== null) {
    restored = await loadAccountWorkspace();
  }
  if (!restored) {
    try {
      const local = JSON.parse(
        localStorage.getItem('stockval.workspace') ?? 'null',
      ) as Partial<Workspace> | null;
      await restoreWorkspace(local);
    } catch {
      localStorage.removeItem('stockval.workspace');
    }
  }
  document.body.dataset.ready = '1';
}

void boot();
