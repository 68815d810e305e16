/**
 * @module lib/nginx-conf
 * Renders ops/nginx/nginx.conf.template. Upstreams, host name, TLS paths and the body limit are parameters so the
 * same template serves docker-compose (`api:8124`), Kubernetes (the API Service's cluster DNS name) and the
 * `nginx -t` test (127.0.0.1, because nginx resolves upstream names when it loads the file).
 */
import { readFileSync } from 'node:fs';
import { OPS_FILES } from './paths';

export interface NginxConfParams {
  /** `host:port` of each API instance, e.g. `['api:8124']`. At least one. */
  upstreams: string[];
  /** `server_name`; `_` matches any host. Default `_`. */
  serverName?: string;
  /** Certificate and key paths inside the container. Default /etc/nginx/ssl/tls.crt and tls.key. */
  tlsCert?: string;
  tlsKey?: string;
  /** `client_max_body_size`. Default `1m`. */
  clientMaxBodySize?: string;
  /** Listen ports (non-root image: above 1024). Default 8080 and 8443. */
  httpPort?: number;
  httpsPort?: number;
}

/** The parameters docker-compose uses (ops/nginx/nginx.conf is this rendering). */
export const COMPOSE_NGINX_PARAMS: NginxConfParams = { upstreams: ['api:8124'] };

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * Renders the template.
 * @throws {Error} on an empty upstream list, a malformed `host:port`, or a value that could inject directives.
 */
export function renderNginxConf(params: NginxConfParams, template?: string): string {
  if (params.upstreams.length === 0) {
    throw new Error('renderNginxConf: at least one upstream is required');
  }
  for (const u of params.upstreams) {
    if (!HOST_PORT.test(u)) {
      throw new Error(`renderNginxConf: upstream "${u}" is not host:port`);
    }
  }
  const values: Record<string, string> = {
    UPSTREAM_SERVERS: params.upstreams
      .map((u) => `        server ${u} max_fails=3 fail_timeout=10s;`)
      .join('\n'),
    SERVER_NAME: params.serverName ?? '_',
    TLS_CERT: params.tlsCert ?? '/etc/nginx/ssl/tls.crt',
    TLS_KEY: params.tlsKey ?? '/etc/nginx/ssl/tls.key',
    CLIENT_MAX_BODY_SIZE: params.clientMaxBodySize ?? '1m',
    HTTP_PORT: String(params.httpPort ?? 8080),
    HTTPS_PORT: String(params.httpsPort ?? 8443),
  };
  for (const [k, v] of Object.entries(values)) {
    if (k !== 'UPSTREAM_SERVERS' && /[;{}\s]/.test(v)) {
      throw new Error(`renderNginxConf: ${k} "${v}" must not contain spaces, ';' or braces`);
    }
  }
  const text = template ?? readFileSync(OPS_FILES.nginxTemplate, 'utf8');
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (m, key: string) => {
    const v = values[key];
    if (v === undefined) {
      throw new Error(`renderNginxConf: unknown placeholder ${m}`);
    }
    return v;
  });
}
