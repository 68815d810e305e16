/**
 * @module web/screener
 * Screener table on fair value (loaded when its panel is first opened): POST /api/v1/screener with a few filters,
 * sortable columns (click a header), pagination and one click to value a row in the workspace.
 */
import { api, plainError } from './api';
import { formatNumber, formatPct, formatSignedPct } from './format';
import { t } from './i18n';
import { $, el, valuate } from './main';

interface Item {
  ts_code: string;
  name: string | null;
  industry: string | null;
  price: number | null;
  value_per_share: number | null;
  upside: number | null;
  margin_of_safety: number | null;
  prob_value_above_price: number | null;
  pe_ttm: number | null;
  market_cap_billion: number | null;
  model: string | null;
  reason_code: string | null;
}

interface Page {
  trade_date: string | null;
  total: number;
  page: number;
  page_size: number;
  items: Item[];
  /** Set while the server is still valuing the market (first start of the embedded default). */
  snapshot_fill?: {
    status: 'running' | 'failed';
    trade_date: string;
    companies_done: number;
    companies_total: number;
  } | null;
}

const PAGE_SIZE = 20;
/** While the server fills the snapshot, the table reloads this often, ms. */
const FILL_REFRESH_MS = 3000;
let refresh: ReturnType<typeof setTimeout> | undefined;
/** Bumped by every load: an answer to an older load (a refresh racing a click) is dropped. */
let loadSeq = 0;
/** Whether the last answer said the server was still filling the snapshot (a failed reload then retries). */
let filling = false;

/** Reloads the table after a while if the panel is still open (one pending reload at a time). */
function refreshWhileFilling(): void {
  clearTimeout(refresh);
  refresh = setTimeout(() => {
    if ((document.getElementById('screener') as HTMLDetailsElement | null)?.open === true) {
      void load();
    }
  }, FILL_REFRESH_MS);
}

/** Columns; `sort` names the server's sort column when it differs from the item field. */
const COLUMNS: { key: keyof Item; sort?: string; label: () => string; fmt: (i: Item) => string }[] = [
  { key: 'ts_code', label: () => 'ts_code', fmt: (i) => i.ts_code },
  { key: 'name', label: () => t('key_name'), fmt: (i) => i.name ?? '—' },
  { key: 'industry', label: () => t('industry'), fmt: (i) => i.industry ?? '—' },
  { key: 'price', label: () => t('price'), fmt: (i) => formatNumber(i.price, 2) },
  { key: 'value_per_share', label: () => t('vps'), fmt: (i) => formatNumber(i.value_per_share, 2) },
  { key: 'upside', label: () => t('upside'), fmt: (i) => formatSignedPct(i.upside, 1) },
  { key: 'margin_of_safety', label: () => t('mos'), fmt: (i) => formatPct(i.margin_of_safety, 1) },
  {
    key: 'prob_value_above_price',
    label: () => t('prob_above'),
    fmt: (i) => formatPct(i.prob_value_above_price, 0),
  },
  { key: 'pe_ttm', label: () => 'PE TTM', fmt: (i) => formatNumber(i.pe_ttm, 1) },
  {
    key: 'market_cap_billion',
    sort: 'total_mv',
    label: () => t('mcap_yi'),
    fmt: (i) => formatNumber(i.market_cap_billion, 0),
  },
];

const query = {
  sort_by: 'margin_of_safety' as string,
  sort_order: 'desc' as 'asc' | 'desc',
  page: 1,
  filters: {} as Record<string, number | string>,
};

function filterForm(): HTMLFormElement {
  const num = (id: string, label: string, step = 'any') => {
    const input = el('input', { type: 'number', id, step, inputmode: 'decimal' });
    return el('div', { class: 'field' }, el('label', { for: id }, label), input);
  };
  const form = el(
    'form',
    { class: 'screener-filters', id: 'screener-form' },
    num('scr-mcap-min', `${t('mcap_yi')} ≥`),
    num('scr-pe-max', 'PE TTM ≤'),
    num('scr-mos-min', `${t('mos')} ≥ (%)`),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'scr-industry' }, t('industry')),
      el('input', { type: 'text', id: 'scr-industry', placeholder: '白酒' }),
    ),
    el('button', { type: 'submit', id: 'scr-apply' }, t('apply')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = (id: string) => ($<HTMLInputElement>(id).value ?? '').trim();
    const f: Record<string, number | string> = {};
    if (v('scr-mcap-min') !== '') {
      f.market_cap_min = Number(v('scr-mcap-min'));
    }
    if (v('scr-pe-max') !== '') {
      f.pe_ttm_max = Number(v('scr-pe-max'));
    }
    if (v('scr-mos-min') !== '') {
      f.margin_of_safety_min = Number(v('scr-mos-min')) / 100;
    }
    if (v('scr-industry') !== '') {
      f.industry = v('scr-industry');
    }
    query.filters = f;
    query.page = 1;
    void load();
  });
  return form;
}

async function load(): Promise<void> {
  clearTimeout(refresh);
  const seq = ++loadSeq;
  const out = $('screener-table');
  const status = $('screener-status');
  try {
    const res = await api<Page>('/api/v1/screener', {
      method: 'POST',
      body: {
        ...query.filters,
        sort_by: query.sort_by,
        sort_order: query.sort_order,
        page: query.page,
        page_size: PAGE_SIZE,
        valued_only: true,
      },
    });
    if (seq !== loadSeq) {
      return; // a newer load has started
    }
    // The status line keeps its text until the answer is in, so refreshes do not make it flicker.
    status.className = 'muted';
    const fill = res.snapshot_fill ?? null;
    filling = fill?.status === 'running';
    const note =
      fill === null
        ? ''
        : t(fill.status === 'running' ? 'screener_filling' : 'screener_fill_failed')(
            fill.companies_done,
            fill.companies_total,
          );
    if (filling) {
      refreshWhileFilling();
    }
    if (res.trade_date === null) {
      out.replaceChildren();
      status.textContent = fill === null ? t('screener_empty') : note;
      return;
    }
    const pages = Math.max(1, Math.ceil(res.total / res.page_size));
    const summary = t('screener_summary')(res.total, res.trade_date);
    status.textContent = fill === null ? summary : `${note} ${summary}`;
    const head = el(
      'tr',
      {},
      ...COLUMNS.map((c) => {
        const sortKey = c.sort ?? c.key;
        const sorted = query.sort_by === sortKey;
        const b = el(
          'button',
          { type: 'button', class: 'sort' },
          `${c.label()}${sorted ? (query.sort_order === 'desc' ? ' ▼' : ' ▲') : ''}`,
        );
        b.addEventListener('click', () => {
          query.sort_order = sorted && query.sort_order === 'desc' ? 'asc' : 'desc';
          query.sort_by = sortKey;
          query.page = 1;
          void load();
        });
        return el(
          'th',
          {
            scope: 'col',
            'aria-sort': sorted ? (query.sort_order === 'desc' ? 'descending' : 'ascending') : 'none',
          },
          b,
        );
      }),
      el('th', { scope: 'col' }, ''),
    );
    const rows = res.items.map((i) => {
      const go = el('button', { type: 'button', class: 'secondary value-row' }, t('value_button'));
      go.addEventListener('click', () => {
        $<HTMLInputElement>('q').value = i.ts_code;
        void valuate(i.ts_code, {});
        $('result').scrollIntoView({ behavior: 'smooth' });
      });
      return el('tr', {}, ...COLUMNS.map((c) => el('td', {}, c.fmt(i))), el('td', {}, go));
    });
    const prev = el('button', { type: 'button', class: 'secondary', id: 'scr-prev' }, '‹');
    const next = el('button', { type: 'button', class: 'secondary', id: 'scr-next' }, '›');
    prev.disabled = query.page <= 1;
    next.disabled = query.page >= pages;
    prev.setAttribute('aria-label', t('prev_page'));
    next.setAttribute('aria-label', t('next_page'));
    prev.addEventListener('click', () => {
      query.page--;
      void load();
    });
    next.addEventListener('click', () => {
      query.page++;
      void load();
    });
    out.replaceChildren(
      el(
        'div',
        { class: 'scroll' },
        el('table', { id: 'screener-results' }, el('thead', {}, head), el('tbody', {}, ...rows)),
      ),
      el(
        'div',
        { class: 'row pager' },
        prev,
        el('span', { id: 'scr-page' }, t('page_of')(query.page, pages)),
        next,
      ),
    );
  } catch (err) {
    if (seq !== loadSeq) {
      return;
    }
    status.textContent = plainError(err);
    status.className = 'error';
    if (filling) {
      refreshWhileFilling(); // one failed reload does not end the refreshing while the server fills
    }
  }
}

/** Builds the panel (once) and loads the first page. */
export function openScreener(): void {
  const box = $('screener-body');
  if (box.dataset.built !== '1') {
    box.dataset.built = '1';
    box.replaceChildren(
      filterForm(),
      el('p', { id: 'screener-status', role: 'status', class: 'muted' }),
      el('div', { id: 'screener-table' }),
    );
  }
  void load();
}
