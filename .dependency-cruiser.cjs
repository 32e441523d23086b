// Import boundaries of DESIGN.md, checked in `npm run lint`. Type-only imports are allowed across
// layers where DESIGN.md allows the dependency; third-party SDKs may be imported from one place only.
/** @type {import('dependency-cruiser').IConfiguration} */
const layer = (from, allowed) => ({
  name: `${from}-boundaries`,
  severity: 'error',
  comment: `src/${from} may import only: ${allowed.join(', ') || 'nothing'} (DESIGN.md)`,
  from: { path: `^src/${from}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}`)],
  },
});

const only = (pkg, places) => ({
  name: `only-${pkg.replace(/[^a-z]/g, '-')}-from-${places.length}-places`,
  severity: 'error',
  comment: `${pkg} is imported only from ${places.join(', ')}`,
  from: { path: '^src/', pathNot: places.map((p) => `^src/${p}`) },
  to: { path: `node_modules/${pkg}/` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'no-orphans', severity: 'warn', from: { orphan: true, pathNot: ['\\.d\\.ts$', '^src/commands/'] }, to: {} },
    layer('model', []),
    layer('expr', ['model', 'errors.ts']),
    layer('variables', ['model', 'errors.ts', 'expr']),
    layer('config', ['model', 'expr', 'variables', 'duration', 'glob', 'errors.ts']),
    layer('glob', []),
    layer('duration', []),
    layer('planner', ['model', 'expr', 'variables', 'duration', 'glob', 'errors.ts']),
    layer('script', ['model', 'variables', 'log', 'errors.ts']),
    layer('log', []),
    layer('engine', ['model', 'script', 'variables', 'log', 'executors/executor.ts', 'reporters/reporter.ts', 'errors.ts']),
    layer('artifacts', ['model', 'platform', 'variables', 'log', 'executors/executor.ts', 'errors.ts']),
    layer('reporters', ['model', 'errors.ts']),
    layer('runner-config', ['model', 'errors.ts']),
    layer('gitlab', ['model', 'errors.ts', 'platform', 'runner-config', 'log', 'variables', 'duration']),
    layer('platform', ['model', 'errors.ts', 'config/source-reader.ts']),
    layer('watch', ['platform']),
    layer('cli', ['app', 'errors.ts', 'model']),
    layer('commands', ['cli', 'app', 'model', 'errors.ts']),
    {
      name: 'executors-not-each-other',
      severity: 'error',
      comment: 'an executor never imports another executor; images/ (image names, pull policies, registry credentials) and sources/ (the checkout) are shared by the container executors',
      from: { path: '^src/executors/([^/]+)/' },
      to: { path: '^src/executors/([^/]+)/', pathNot: '^src/executors/($1|images|sources)/' },
    },
    only('yaml', ['config/']),
    only('dockerode', ['executors/docker/client.ts']),
    only('@kubernetes/client-node', ['executors/kubernetes/client.ts']),
    only('execa', ['executors/shell/', 'platform/']),
    only('ink', ['reporters/live/']),
    only('react', ['reporters/live/']),
    only('@oclif/core', ['commands/', 'cli/']),
    only('@iarna/toml', ['runner-config/']),
    only('chokidar', ['watch/']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
