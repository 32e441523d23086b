// The service files docs/runner-mode.md points users at: the systemd unit runs `glci runner run` and
// stops it gracefully, and the Kubernetes manifest grants the runner the rights of
// fixtures/k8s/rbac.yaml (the ones the kubernetes executor's client calls) and carries a config.toml
// that glci's own parser loads as a kubernetes runner with in-cluster access.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseRunnerConfig } from '../../src/runner-config/index.js';

const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url)), 'utf8');

type Unit = Map<string, Map<string, string[]>>;

/** systemd's unit syntax: `[Section]` headers, `Key=Value` lines, `#`/`;` comments; a key may repeat. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      if (unit.has(header[1] ?? '')) throw new Error(`section ${line} twice`);
      section = new Map();
      unit.set(header[1] ?? '', section);
      continue;
    }
    const pair = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!pair || !section) throw new Error(`line ${index + 1} is neither a section nor Key=Value: ${raw}`);
    const key = pair[1] ?? '';
    section.set(key, [...(section.get(key) ?? []), pair[2] ?? '']);
  }
  return unit;
}

function one(unit: Unit, section: string, key: string): string | undefined {
  const values = unit.get(section)?.get(key);
  if (values && values.length !== 1) throw new Error(`${section}.${key} is set ${values.length} times`);
  return values?.[0];
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
  stringData?: Record<string, string>;
  spec?: DeploymentSpec;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface DeploymentSpec {
  template: {
    spec: {
      serviceAccountName: string;
      terminationGracePeriodSeconds?: number;
      containers: Container[];
      initContainers?: Container[];
      volumes: Array<{ name: string; secret?: { secretName: string }; emptyDir?: object }>;
    };
  };
}

function manifest(path: string): K8sObject[] {
  return parseAllDocuments(fixture(path)).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as K8sObject;
  });
}

function byKind(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as K8sObject;
}

/** Rules as sorted `group/resource:verb` grants, so equal rights compare equal however they are grouped. */
function grants(rules: Rule[]): string[] {
  return rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`)))).sort();
}

describe('fixtures/service/glci-runner.service', () => {
  const unit = parseUnit(fixture('service/glci-runner.service'));

  it('has the three sections of a service unit', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(one(unit, 'Install', 'WantedBy')).toBe('multi-user.target');
  });

  it('starts `glci runner run` with an absolute command and an explicit config.toml', () => {
    const exec = one(unit, 'Service', 'ExecStart') ?? '';
    expect(exec.startsWith('/')).toBe(true);
    const words = exec.split(/\s+/);
    const glci = words.indexOf('glci');
    expect(glci).toBeGreaterThan(0);
    expect(words.slice(glci, glci + 3)).toEqual(['glci', 'runner', 'run']);
    const config = words[words.indexOf('--config') + 1] ?? '';
    expect(config).toMatch(/^\/.+\/config\.toml$/);
  });

  it('stops gracefully with SIGQUIT, reloads with SIGHUP and restarts always', () => {
    expect(one(unit, 'Service', 'KillSignal')).toBe('SIGQUIT');
    expect(one(unit, 'Service', 'KillMode')).toBe('mixed');
    expect(one(unit, 'Service', 'ExecReload')).toMatch(/kill -HUP \$MAINPID$/);
    expect(one(unit, 'Service', 'Restart')).toBe('always');
    expect(one(unit, 'Service', 'TimeoutStopSec')).toBeDefined();
  });
});

describe('fixtures/k8s/runner-deployment.yaml', () => {
  const objects = manifest('k8s/runner-deployment.yaml');
  const namespace = byKind(objects, 'Namespace').metadata.name;

  it('grants exactly the rights of fixtures/k8s/rbac.yaml, less the cluster-scoped namespaces rule', () => {
    const reference = byKind(manifest('k8s/rbac.yaml'), 'ClusterRole').rules ?? [];
    const namespacedReference = reference.filter((r) => !r.resources.includes('namespaces'));
    expect(namespacedReference.length).toBe(reference.length - 1);
    const role = byKind(objects, 'Role');
    expect(role.metadata.namespace).toBe(namespace);
    expect(grants(role.rules ?? [])).toEqual(grants(namespacedReference));
    expect(role.rules).toEqual(namespacedReference);
  });

  it('binds the Role to the service account the Deployment runs as', () => {
    const account = byKind(objects, 'ServiceAccount');
    const binding = byKind(objects, 'RoleBinding');
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: byKind(objects, 'Role').metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name, namespace }]);
    const spec = byKind(objects, 'Deployment').spec?.template.spec;
    expect(spec?.serviceAccountName).toBe(account.metadata.name);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace, o.kind).toBe(namespace);
  });

  it('holds a config.toml that glci loads as a kubernetes runner with in-cluster access, jobs in its namespace', () => {
    const text = byKind(objects, 'Secret').stringData?.['config.toml'] ?? '';
    const config = parseRunnerConfig(text, 'config.toml');
    expect(config.warnings).toEqual([]);
    expect(config.runners).toHaveLength(1);
    const runner = config.runners[0];
    expect(runner?.executor).toBe('kubernetes');
    expect(runner?.kubernetes?.host).toBeUndefined();
    expect(runner?.kubernetes?.namespace).toBe(namespace);
    expect(text).toMatch(/^listen_address = "0\.0\.0\.0:9252"$/m);
  });

  it('runs `glci runner run` on a writable copy of that config.toml, stopping with SIGQUIT first', () => {
    const spec = byKind(objects, 'Deployment').spec?.template.spec;
    const runner = spec?.containers.find((c) => c.name === 'runner');
    expect(runner?.args?.slice(0, 2)).toEqual(['runner', 'run']);
    const configPath = runner?.args?.[runner.args.indexOf('--config') + 1] ?? '';
    const configMount = runner?.volumeMounts?.find((m) => configPath.startsWith(`${m.mountPath}/`));
    expect(spec?.volumes.find((v) => v.name === configMount?.name)?.emptyDir).toBeDefined();
    const secretVolume = spec?.volumes.find((v) => v.secret?.secretName === byKind(objects, 'Secret').metadata.name);
    expect(spec?.initContainers?.[0]?.volumeMounts?.map((m) => m.name).sort()).toEqual([configMount?.name, secretVolume?.name].sort());
    expect(spec?.initContainers?.[0]?.command?.join(' ')).toContain(configPath);
    expect(runner?.lifecycle?.preStop?.exec?.command?.join(' ')).toContain('kill -QUIT 1');
    expect(spec?.terminationGracePeriodSeconds).toBeGreaterThan(60);
  });
});
