/**
 * @module web/account
 * Account screens (loaded on first use): login and registration, sessions, API keys, the valuation history drawer
 * and the watchlist. They call the auth and workspace APIs of the shared contract (cookie session + X-CSRF-Token);
 * list responses are read leniently (`{items}`, a named array or a bare array) so a field rename does not blank a
 * screen.
 */
import { api, plainError } from './api';
import { formatPct, formatPrice } from './format';
import { getLang, t } from './i18n';
import {
  $,
  el,
  loadAccountWorkspace,
  renderAccountBar,
  restoreWorkspace,
  saveWorkspace,
  state,
  table,
  valuate,
} from './main';
import { requestToOverrides } from './request';

type Row = Record<string, unknown>;

function list(body: unknown, ...names: string[]): Row[] {
  if (Array.isArray(body)) {
    return body as Row[];
  }
  if (body !== null && typeof body === 'object') {
    for (const n of ['items', ...names]) {
      const v = (body as Row)[n];
      if (Array.isArray(v)) {
        return v as Row[];
      }
    }
  }
  return [];
}

const str = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
const date = (v: unknown) => (typeof v === 'string' ? v.replace('T', ' ').slice(0, 16) : '—');

/** Opens (or reuses) the dialog and fills it. */
function dialog(title: string): { dlg: HTMLDialogElement; body: HTMLElement; msg: HTMLElement } {
  const dlg = $<HTMLDialogElement>('dialog');
  dlg.className = '';
  const close = el('button', { type: 'button', class: 'secondary close', id: 'dialog-close' }, t('close'));
  close.addEventListener('click', () => dlg.close());
  const body = el('div', { class: 'dialog-body' });
  const msg = el('p', { role: 'status', class: 'dialog-msg', id: 'dialog-msg' });
  dlg.replaceChildren(
    el('div', { class: 'dialog-head' }, el('h2', { id: 'dialog-title' }, title), close),
    msg,
    body,
  );
  dlg.setAttribute('aria-labelledby', 'dialog-title');
  if (!dlg.open) {
    dlg.showModal();
  }
  return { dlg, body, msg };
}

function fail(msg: HTMLElement, err: unknown): void {
  msg.textContent = plainError(err);
  msg.className = 'dialog-msg error';
}

async function afterLogin(email: string): Promise<void> {
  state.user = { email };
  renderAccountBar();
  const restored = await loadAccountWorkspace();
  if (!restored && state.tsCode !== null) {
    await saveWorkspace();
  }
}

function loginForm(): void {
  const { dlg, body, msg } = dialog(t('login'));
  const email = el('input', { type: 'email', id: 'login-email', autocomplete: 'username', required: '' });
  const pass = el('input', {
    type: 'password',
    id: 'login-password',
    autocomplete: 'current-password',
    required: '',
    minlength: '12',
  });
  const login = el('button', { type: 'submit', id: 'do-login' }, t('do_login'));
  const register = el('button', { type: 'button', id: 'do-register', class: 'secondary' }, t('do_register'));
  const form = el(
    'form',
    { class: 'login' },
    el('label', { for: 'login-email' }, t('email')),
    email,
    el('label', { for: 'login-password' }, t('password')),
    pass,
    el('div', { class: 'row' }, login, register),
  );
  const doLogin = async () => {
    const res = await api<{ user?: { email?: string } }>('/api/v1/auth/login', {
      method: 'POST',
      body: { email: email.value, password: pass.value },
    });
    dlg.close();
    await afterLogin(res.user?.email ?? email.value);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    doLogin().catch((err) => fail(msg, err));
  });
  register.addEventListener('click', () => {
    if (!form.reportValidity()) {
      return;
    }
    api('/api/v1/auth/register', { method: 'POST', body: { email: email.value, password: pass.value } })
      .then(() => doLogin())
      .then(() => {
        $('status').textContent = t('registered');
      })
      .catch((err) => fail(msg, err));
  });
  body.append(form);
  email.focus();
}

async function historyDrawer(): Promise<void> {
  const { dlg, body, msg } = dialog(t('history'));
  dlg.classList.add('drawer');
  const render = async () => {
    try {
      const items = list(await api('/api/v1/history?limit=50'), 'history', 'entries');
      if (items.length === 0) {
        body.replaceChildren(el('p', {}, t('history_empty')));
        return;
      }
      body.replaceChildren(
        el(
          'a',
          { href: '/api/v1/history/export.csv', download: 'stockval-history.csv', class: 'button-link' },
          t('export_history'),
        ),
        el(
          'ul',
          { class: 'history-list' },
          ...items.map((h) => {
            const inputs = (h.inputs ?? h.request ?? {}) as Row;
            const code = str(h.ts_code ?? inputs.ts_code);
            const summary = (h.result_summary ?? h.summary ?? {}) as Row;
            const vps =
              typeof summary.value_per_share === 'number'
                ? summary.value_per_share
                : (h.value_per_share as number | undefined);
            const open = el('button', { type: 'button', class: 'secondary' }, t('open'));
            open.addEventListener('click', () => {
              // List items carry the summary only; the entry holds the request to re-run.
              api<{ inputs?: Record<string, unknown> }>(`/api/v1/history/${encodeURIComponent(str(h.id))}`)
                .then((entry) => {
                  const { tsCode, overrides } = requestToOverrides(entry.inputs ?? inputs);
                  dlg.close();
                  return valuate(tsCode ?? code, overrides);
                })
                .catch((err) => fail(msg, err));
            });
            const del = el('button', { type: 'button', class: 'secondary' }, t('delete'));
            del.addEventListener('click', () => {
              api(`/api/v1/history/${encodeURIComponent(str(h.id))}`, { method: 'DELETE' })
                .then(render)
                .catch((err) => fail(msg, err));
            });
            return el(
              'li',
              {},
              el(
                'span',
                {},
                `${code} · ${formatPrice(vps ?? null, getLang())} · ${str(h.valuation_date)} · ${date(h.created_at)}`,
              ),
              open,
              del,
            );
          }),
        ),
      );
    } catch (err) {
      fail(msg, err);
    }
  };
  await render();
}

async function watchlist(): Promise<void> {
  const { body, msg } = dialog(t('watchlist'));
  const render = async () => {
    try {
      const items = list(await api('/api/v1/watchlist'), 'watchlist');
      const add = el('form', { class: 'row' });
      if (state.tsCode !== null) {
        const target = el('input', {
          type: 'number',
          id: 'watch-target',
          min: '0',
          max: '90',
          step: '1',
          value: '30',
        });
        add.append(
          el('label', { for: 'watch-target' }, `${t('watch_target')} (%) · ${state.tsCode}`),
          target,
          el('button', { type: 'submit', id: 'watch-add' }, t('watch_add')),
        );
        add.addEventListener('submit', (e) => {
          e.preventDefault();
          api(`/api/v1/watchlist/${encodeURIComponent(state.tsCode ?? '')}`, {
            method: 'PUT',
            body: { target_margin_of_safety: Number(target.value) / 100 },
          })
            .then(render)
            .catch((err) => fail(msg, err));
        });
      }
      const rows = items.map((w) => {
        const code = str(w.ts_code);
        const open = el('button', { type: 'button', class: 'secondary' }, t('open'));
        open.addEventListener('click', () => {
          $<HTMLDialogElement>('dialog').close();
          void valuate(code, {});
        });
        const del = el('button', { type: 'button', class: 'secondary' }, t('delete'));
        del.addEventListener('click', () => {
          api(`/api/v1/watchlist/${encodeURIComponent(code)}`, { method: 'DELETE' })
            .then(render)
            .catch((err) => fail(msg, err));
        });
        const last = (w.last_valuation ?? null) as Row | null;
        const lastMos = typeof last?.margin_of_safety === 'number' ? last.margin_of_safety : null;
        return [
          code,
          str(w.name),
          formatPct(typeof w.target_margin_of_safety === 'number' ? w.target_margin_of_safety : null, 0),
          `${formatPct(lastMos, 1)}${w.target_reached === true ? ` ✓ ${t('target_reached')}` : ''}`,
          el('span', {}, open, del),
        ];
      });
      body.replaceChildren(
        add,
        rows.length === 0
          ? el('p', {}, t('watch_empty'))
          : table(['ts_code', t('key_name'), t('watch_target'), t('last_mos'), ''], rows),
      );
    } catch (err) {
      fail(msg, err);
    }
  };
  await render();
}

async function accountScreen(): Promise<void> {
  const { body, msg } = dialog(t('account'));
  const render = async () => {
    try {
      const [sessionsBody, keysBody] = await Promise.all([api('/api/v1/auth/sessions'), api('/api/v1/keys')]);
      const sessions = list(sessionsBody, 'sessions');
      const keys = list(keysBody, 'keys');
      const revoke = (path: string) => {
        const b = el('button', { type: 'button', class: 'secondary' }, t('revoke'));
        b.addEventListener('click', () => {
          api(path, { method: 'DELETE' })
            .then(render)
            .catch((err) => fail(msg, err));
        });
        return b;
      };
      const name = el('input', { type: 'text', id: 'key-name', required: '', maxlength: '60' });
      const create = el(
        'form',
        { class: 'row' },
        el('label', { for: 'key-name' }, t('key_name')),
        name,
        el('button', { type: 'submit', id: 'create-key' }, t('create_key')),
      );
      const secret = el('p', { id: 'key-secret', class: 'secret', 'aria-live': 'polite' });
      create.addEventListener('submit', (e) => {
        e.preventDefault();
        api<{ secret?: string }>('/api/v1/keys', {
          method: 'POST',
          body: { name: name.value, scopes: ['valuation:read'] },
        })
          .then(async (res) => {
            await render();
            $('key-secret').textContent = `${t('key_secret_once')} ${res.secret ?? ''}`;
          })
          .catch((err) => fail(msg, err));
      });
      body.replaceChildren(
        el('h3', {}, t('sessions')),
        table(
          [t('created'), t('last_used'), t('expires'), ''],
          sessions.map((s) => [
            `${date(s.created_at)}${s.current ? ` (${t('current')})` : ''}`,
            date(s.last_seen_at ?? s.last_used_at),
            date(s.expires_at),
            s.current ? '' : revoke(`/api/v1/auth/sessions/${encodeURIComponent(str(s.id))}`),
          ]),
        ),
        el('h3', {}, t('api_keys')),
        create,
        secret,
        table(
          [t('key_name'), 'prefix', 'scopes', t('created'), t('last_used'), t('expires'), ''],
          keys.map((k) => [
            str(k.name),
            str(k.prefix),
            Array.isArray(k.scopes) ? k.scopes.join(', ') : '—',
            date(k.created_at),
            date(k.last_used_at),
            date(k.expires_at),
            revoke(`/api/v1/keys/${encodeURIComponent(str(k.id))}`),
          ]),
        ),
      );
    } catch (err) {
      fail(msg, err);
    }
  };
  await render();
}

async function logout(): Promise<void> {
  try {
    await saveWorkspace();
    await api('/api/v1/auth/logout', { method: 'POST' });
  } catch {
    // The session may already be gone; the UI logs out either way.
  }
  state.user = null;
  renderAccountBar();
}

/** Entry point from the account bar. */
export async function open(what: 'login' | 'history' | 'watchlist' | 'account' | 'logout'): Promise<void> {
  switch (what) {
    case 'login':
      loginForm();
      return;
    case 'history':
      return historyDrawer();
    case 'watchlist':
      return watchlist();
    case 'account':
      return accountScreen();
    case 'logout':
      return logout();
  }
}

export { restoreWorkspace };
