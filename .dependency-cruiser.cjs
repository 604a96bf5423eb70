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
      name: 'projections-not-on-adapters',
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
