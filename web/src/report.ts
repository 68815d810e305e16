/**
 * @module web/report
 * The report pane (loaded on first use): POST /api/v1/reports with the current valuation request, read as a
 * server-sent event stream (fetch, because EventSource cannot POST) and shown as it is written. When the report is
 * done, numbers the server's verification flagged are highlighted with the reason, so a reader sees which figures
 * the text did not take from the valuation.
 */
import { ApiError, plainError } from './api';
import { getLang, t } from './i18n';
import { $, el, serverRequest, state } from './main';
import { parseSse } from './sse';

interface Flag {
  start: number;
  end: number;
  reason?: string;
  text?: string;
}

interface Report {
  content: string;
  generated_by?: string;
  written_without_llm?: boolean;
  model?: string | null;
  verification?: { status?: string; flagged?: Flag[]; verified_count?: number; flagged_count?: number };
}

/** Inline text with **bold** and flagged ranges (offsets into the whole report) marked. */
function inline(text: string, offset: number, flags: Flag[]): Node[] {
  const cuts = new Set<number>([0, text.length]);
  for (const f of flags) {
    if (f.end > offset && f.start < offset + text.length) {
      cuts.add(Math.max(0, f.start - offset));
      cuts.add(Math.min(text.length, f.end - offset));
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Node[] = [];
  let bold = false;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const flag = flags.find((f) => f.start - offset <= a && f.end - offset >= b);
    const parts = text.slice(a, b).split('**');
    parts.forEach((part, k) => {
      if (k > 0) {
        bold = !bold;
      }
      if (part === '') {
        return;
      }
      let node: Node = document.createTextNode(part);
      if (bold) {
        node = el('strong', {}, node);
      }
      if (flag) {
        node = el('mark', { class: 'flagged', title: flag.reason ?? '' }, node);
      }
      out.push(node);
    });
  }
  return out;
}

/** Minimal Markdown (headings, lists, paragraphs, bold) into DOM nodes; never injects HTML. */
export function renderMarkdown(content: string, flags: Flag[] = []): HTMLElement {
  const root = el('div', { class: 'report-body' });
  let list: HTMLElement | null = null;
  let offset = 0;
  for (const line of content.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const li = /^\s*(?:[-*]|\d+[.)])\s+(.*)$/.exec(line);
    if (h) {
      list = null;
      const level = Math.min(6, (h[1]?.length ?? 1) + 2);
      const text = h[2] ?? '';
      root.append(el(`h${level}` as 'h3', {}, ...inline(text, lineStart + line.indexOf(text), flags)));
    } else if (li) {
      const text = li[1] ?? '';
      if (list === null) {
        list = el('ul');
        root.append(list);
      }
      list.append(el('li', {}, ...inline(text, lineStart + line.indexOf(text), flags)));
    } else if (line.startsWith('>')) {
      list = null;
      const text = line.replace(/^>\s?/, '');
      root.append(el('blockquote', {}, ...inline(text, lineStart + line.indexOf(text), flags)));
    } else if (line.trim() === '' || /^-{3,}$/.test(line.trim())) {
      list = null;
    } else {
      list = null;
      root.append(el('p', {}, ...inline(line, lineStart, flags)));
    }
  }
  return root;
}

let running: AbortController | null = null;

/** Writes a report for the current workspace into the pane, streaming. */
export async function writeReport(): Promise<void> {
  const pane = $('report-body');
  const status = $('report-status');
  const code = state.tsCode;
  if (code === null) {
    return;
  }
  running?.abort();
  const abort = new AbortController();
  running = abort;
  status.textContent = t('report_writing');
  status.className = 'muted';
  const live = el('div', { class: 'report-live', 'aria-live': 'polite' });
  pane.replaceChildren(live);
  let text = '';
  try {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
    };
    const csrf = /(?:^|;\s*)sv_csrf=([^;]*)/.exec(document.cookie)?.[1];
    if (csrf !== undefined) {
      headers['x-csrf-token'] = decodeURIComponent(csrf);
    }
    const res = await fetch('/api/v1/reports', {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      signal: abort.signal,
      body: JSON.stringify({
        ...serverRequest(),
        language: getLang() === 'zh' ? 'zh-CN' : 'en',
        stream: true,
      }),
    });
    if (!res.ok || res.body === null) {
      const body = (await res.json().catch(() => null)) as {
        error?: { code?: string; message?: string };
      } | null;
      throw new ApiError(
        res.status,
        body?.error?.code ?? `HTTP_${res.status}`,
        body?.error?.message ?? res.statusText,
        res.headers.get('retry-after'),
      );
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += value;
      const parsed = parseSse(buffer);
      buffer = parsed.rest;
      for (const ev of parsed.events) {
        const data = JSON.parse(ev.data) as Record<string, unknown>;
        if (ev.event === 'delta') {
          text += String(data.text ?? '');
          live.textContent = text;
        } else if (ev.event === 'done') {
          finish(data as unknown as Report);
        } else if (ev.event === 'error') {
          const e = (data.error ?? {}) as { code?: string; message?: string };
          throw new ApiError(502, e.code ?? 'REPORT_FAILED', e.message ?? 'report failed');
        }
      }
    }
    if (status.textContent === t('report_writing')) {
      // The stream ended without `done`: keep what was written.
      status.textContent = '';
    }
  } catch (err) {
    if (abort.signal.aborted) {
      return;
    }
    status.textContent = plainError(err);
    status.className = 'error';
  } finally {
    if (running === abort) {
      running = null;
    }
  }
}

function finish(report: Report): void {
  const flags = report.verification?.flagged ?? [];
  const by =
    report.generated_by === 'template' || report.written_without_llm
      ? t('report_template')
      : `${t('report_llm')}${report.model ? ` (${report.model})` : ''}`;
  const verified =
    report.verification?.status === 'flagged'
      ? t('report_flagged')(flags.length)
      : t('report_verified')(report.verification?.verified_count ?? 0);
  $('report-status').textContent = `${by} · ${verified}`;
  $('report-status').className = flags.length > 0 ? 'warn' : 'muted';
  $('report-body').replaceChildren(renderMarkdown(report.content, flags));
  document.body.dataset.report = 'done';
}
