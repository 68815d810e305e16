// First version of the web UI: search (code, name, pinyin initials) with keyboard navigation and a one-click
// valuation rendered from the API's reference result. zh-CN by default, English one click away.
const TEXT = {
  zh: {
    search_label: '股票代码、名称或拼音首字母',
    value_button: '估值',
    bridge: '企业价值到股权价值',
    forecast: '预测表（亿元）',
    warnings: '提示',
    trace: '假设来源',
    footer: '数据：TuShare Pro（内置演示数据集）。估值结果不构成投资建议。',
    vps: '每股价值',
    price: '股价',
    upside: '上涨空间',
    mos: '安全边际',
    wacc: 'WACC',
    tv: '终值占比',
    loading: '计算中…',
    not_found: '未找到该股票',
    asof: (p, s) => `股价日期 ${p}，股本日期 ${s}`,
    ev: '企业价值',
    net_debt: '净债务',
    equity: '股权价值',
    pv_ufcf: '预测期现金流现值',
    pv_tv: '终值现值',
    year: '年',
    revenue: '营业收入',
    ebit: 'EBIT',
    nopat: 'NOPAT',
    ufcf: '自由现金流',
    field: '参数',
    value: '取值',
    source: '来源',
    not_applicable: '该模型不适用：',
  },
  en: {
    search_label: 'Code, name or pinyin initials',
    value_button: 'Value',
    bridge: 'Enterprise value to equity',
    forecast: 'Forecast (100 million CNY)',
    warnings: 'Warnings',
    trace: 'Assumptions trace',
    footer: 'Data: TuShare Pro (bundled demo dataset). Not investment advice.',
    vps: 'Value per share',
    price: 'Price',
    upside: 'Upside',
    mos: 'Margin of safety',
    wacc: 'WACC',
    tv: 'TV share of EV',
    loading: 'Calculating…',
    not_found: 'Stock not found',
    asof: (p, s) => `price as of ${p}, shares as of ${s}`,
    ev: 'Enterprise value',
    net_debt: 'Net debt',
    equity: 'Equity value',
    pv_ufcf: 'PV of forecast cash flows',
    pv_tv: 'PV of terminal value',
    year: 'Year',
    revenue: 'Revenue',
    ebit: 'EBIT',
    nopat: 'NOPAT',
    ufcf: 'UFCF',
    field: 'Driver',
    value: 'Value',
    source: 'Source',
    not_applicable: 'Model not applicable: ',
  },
};
let lang = localStorage.getItem('stockval.lang') === 'en' ? 'en' : 'zh';
let lastResult = null;
const $ = (id) => document.getElementById(id);
const t = (k) => TEXT[lang][k];
const yi = (x) => (x == null ? '—' : (x / 1e8).toLocaleString(undefined, { maximumFractionDigits: 2 }));
const pct = (x) => (x == null ? '—' : `${(x * 100).toFixed(2)}%`);
const num = (x) => (x == null ? '—' : x.toLocaleString(undefined, { maximumFractionDigits: 2 }));

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) {
    e.textContent = text;
  }
  if (cls) {
    e.className = cls;
  }
  return e;
}
function fillTable(table, header, rows) {
  table.replaceChildren();
  const tr = el('tr');
  for (const h of header) {
    tr.append(el('th', h));
  }
  table.append(tr);
  for (const r of rows) {
    const row = el('tr');
    for (const c of r) {
      row.append(el('td', String(c)));
    }
    table.append(row);
  }
}
function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  for (const n of document.querySelectorAll('[data-i18n]')) {
    n.textContent = t(n.dataset.i18n);
  }
  if (lastResult) {
    render(lastResult);
  }
}

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json();
  if (!res.ok) {
    throw new Error(body?.error?.message ?? res.statusText);
  }
  return body;
}

// --- search with keyboard navigation -------------------------------------------
let items = [];
let active = -1;
let timer;
function showSuggestions() {
  const ul = $('suggestions');
  ul.replaceChildren();
  items.forEach((s, i) => {
    const li = el('li', `${s.ts_code} ${s.name}${s.industry ? ` · ${s.industry}` : ''}`);
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', String(i === active));
    li.addEventListener('mousedown', () => choose(i));
    ul.append(li);
  });
  ul.hidden = items.length === 0;
  $('q').setAttribute('aria-expanded', String(items.length > 0));
}
function choose(i) {
  const s = items[i];
  if (!s) {
    return;
  }
  $('q').value = s.ts_code;
  items = [];
  showSuggestions();
  valuate(s.ts_code);
}
$('q').addEventListener('input', () => {
  clearTimeout(timer);
  const q = $('q').value.trim();
  if (!q) {
    items = [];
    showSuggestions();
    return;
  }
  timer = setTimeout(async () => {
    try {
      items = (await api(`/api/v1/stocks?q=${encodeURIComponent(q)}&limit=8`)).results;
      active = items.length ? 0 : -1;
      showSuggestions();
    } catch {
      items = [];
      showSuggestions();
    }
  }, 120);
});
$('q').addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    if (items.length) {
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      showSuggestions();
    }
  } else if (e.key === 'Escape') {
    items = [];
    showSuggestions();
  }
});
$('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (active >= 0 && items[active]) {
    choose(active);
    return;
  }
  const q = $('q').value.trim().toUpperCase();
  if (q) {
    valuate(q);
  }
});
$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('stockval.lang', lang);
  applyLang();
});

// --- valuation -------------------------------------------------------------------
async function valuate(tsCode) {
  $('status').textContent = t('loading');
  try {
    const r = await api('/api/v1/valuation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: tsCode }),
    });
    lastResult = r;
    $('status').textContent = '';
    render(r);
  } catch (err) {
    $('status').textContent = err.message;
    $('result').hidden = true;
  }
}
function card(label, value, cls) {
  const c = el('div', undefined, 'card');
  c.append(el('div', label, 'label'), el('div', value, `value ${cls ?? ''}`));
  return c;
}
function render(r) {
  const s = r.stock_info;
  const v = r.valuation_results;
  const d = v.dcf_forecast_details ?? {};
  $('result').hidden = false;
  $('title').textContent = `${s.name} (${s.ts_code}) · ${s.industry ?? ''}`;
  $('asof').textContent = t('asof')(s.latest_price_as_of_date ?? '—', s.shares_as_of_date ?? '—');
  const cards = [card(t('vps'), num(v.value_per_share)), card(t('price'), num(v.latest_price))];
  if (v.upside != null) {
    cards.push(card(t('upside'), pct(v.upside), v.upside >= 0 ? 'up' : 'down'));
  }
  if (v.margin_of_safety != null) {
    cards.push(card(t('mos'), pct(v.margin_of_safety)));
  }
  if (d.wacc_used != null) {
    cards.push(card(t('wacc'), pct(d.wacc_used)));
  }
  if (d.tv_ev_ratio != null) {
    cards.push(card(t('tv'), pct(d.tv_ev_ratio)));
  }
  $('cards').replaceChildren(...cards);
  if (v.not_applicable) {
    $('status').textContent =
      t('not_applicable') + (lang === 'zh' ? v.not_applicable.reason_zh : v.not_applicable.reason_en);
  }
  fillTable(
    $('bridge'),
    ['', lang === 'zh' ? '亿元' : '100m CNY'],
    [
      [t('pv_ufcf'), yi(d.pv_forecast_ufcf)],
      [t('pv_tv'), yi(d.pv_terminal_value)],
      [t('ev'), yi(d.enterprise_value)],
      [t('net_debt'), yi(d.net_debt)],
      [t('equity'), yi(d.equity_value)],
    ],
  );
  const rows = v.detailed_forecast_table ?? [];
  fillTable(
    $('forecast'),
    [t('year'), t('revenue'), t('ebit'), t('nopat'), 'D&A', 'Capex', 'ΔNWC', t('ufcf')],
    rows.map((y) => [
      y.year,
      yi(y.revenue),
      yi(y.ebit),
      yi(y.nopat),
      yi(y.d_a),
      yi(y.capex),
      yi(y.delta_nwc),
      yi(y.ufcf),
    ]),
  );
  $('warnings').replaceChildren(
    ...(v.warnings ?? []).map((w) =>
      el('li', lang === 'zh' ? w.message_zh : w.message_en, `sev-${w.severity}`),
    ),
  );
  fillTable(
    $('trace'),
    [t('field'), t('value'), t('source')],
    (v.assumptions_trace ?? []).map((e) => [
      e.field,
      typeof e.value === 'number' ? Number(e.value.toPrecision(6)) : String(e.value),
      e.source,
    ]),
  );
}

applyLang();
