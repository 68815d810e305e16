/**
 * Pulumi mocks for tests: records every resource's type, name and inputs (secrets unwrapped), and renders the
 * Kubernetes ones to plain manifests (apiVersion/kind from the type token), the way `kubectl` would receive them.
 * No CLI, no engine, no cluster.
 */
import type * as pulumi from '@pulumi/pulumi';

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Pulumi's marker for secret values in mock inputs. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** Deeply replaces Pulumi secret wrappers with their values. */
export function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(unwrapSecrets);
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o) {
      return unwrapSecrets(o.value);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

export const recorded: RecordedResource[] = [];

/** Installs the mocks (call before importing the program). */
export async function installMocks(runtime: typeof pulumi.runtime): Promise<void> {
  await runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push({
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(args.inputs) as Record<string, unknown>,
        });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'stockval',
    'test',
    false,
  );
}

/** Waits until no new resource has been registered for a few ticks. */
export async function settle(): Promise<void> {
  let last = -1;
  while (last !== recorded.length) {
    last = recorded.length;
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** Recorded resources of one type token, e.g. `kubernetes:apps/v1:Deployment`. */
export function ofType(type: string): RecordedResource[] {
  return recorded.filter((r) => r.type === type);
}

/** The one resource of a type with `metadata.name` = name. */
export function byName(type: string, name: string): Record<string, unknown> {
  const hit = ofType(type).filter((r) => (r.inputs.metadata as { name?: string } | undefined)?.name === name);
  if (hit.length !== 1) {
    throw new Error(`expected one ${type} named ${name}, found ${hit.length}`);
  }
  return (hit[0] as RecordedResource).inputs;
}

/**
 * Kubernetes manifests from the recorded inputs: `kubernetes:<group>/<version>:<Kind>` → apiVersion, kind. Helm
 * releases, providers and components are skipped (they are not manifests).
 */
export function renderManifests(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const r of recorded) {
    const m = /^kubernetes:([^:]+):([^:]+)$/.exec(r.type);
    if (m === null || r.type.startsWith('kubernetes:helm.sh/')) {
      continue;
    }
    const [, gv, kind] = m as unknown as [string, string, string];
    const apiVersion = gv.startsWith('core/') ? gv.slice('core/'.length) : gv;
    out.push({ apiVersion, kind, ...r.inputs });
  }
  return out;
}
