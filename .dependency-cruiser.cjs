/** Architecture rules: the domain is pure; adapters never import each other's layers upward. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain may import only itself and zod: no framework, no infrastructure, no Node I/O.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain', 'node_modules/zod'] },
    },
    {
      name: 'application-not-on-adapters',
      comment: 'src/application depends on ports, never on infrastructure or interfaces.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { path: ['^src/infrastructure', '^src/interfaces'] },
    },
    {
      name: 'application-not-on-read-side',
      comment:
        'src/application reads the read models through its query ports (ports/read-models.port.ts); ' +
        'src/projections implements them. An import the other way would close a cycle.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { path: '^src/projections' },
    },
    {
      name: 'read-side-on-ports-only',
      comment:
        'src/projections implements application ports and folds domain events: nothing else of the application.',
      severity: 'error',
      from: { path: '^src/projections' },
      to: { path: '^src/application', pathNot: '^src/application/ports' },
    },
    {
      name: 'read-side-not-on-adapters',
      severity: 'error',
      from: { path: '^src/projections' },
      to: { path: ['^src/infrastructure', '^src/interfaces'] },
    },
    {
      name: 'infrastructure-not-on-interfaces',
      severity: 'error',
      from: { path: '^src/infrastructure' },
      to: { path: '^src/interfaces' },
    },
    {
      name: 'composition-at-the-top',
      comment:
        'src/modules composes the layers into Nest modules and process profiles: only the entry points ' +
        '(main, worker, http-app, the CLI, benchmarks) use it, never the layers it composes.',
      severity: 'error',
      from: { path: '^src/(domain|application|infrastructure|projections)' },
      to: { path: '^src/modules' },
    },
    {
      name: 'interfaces-not-on-infrastructure',
      comment:
        'HTTP, WebSocket and CLI reach adapters through application ports only. The one exception is the ' +
        "CLI's entrypoint, a composition root like src/main.ts: it loads the configuration and the logger.",
      severity: 'error',
      from: { path: '^src/interfaces', pathNot: '^src/interfaces/cli/main\\.ts$' },
      to: { path: '^src/infrastructure' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
