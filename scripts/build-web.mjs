// Builds the studio (web/) into dist/web with esbuild: one hashed JS and CSS bundle, the CJK web font's
// slices from @fontsource-variable/noto-sans-sc, and an index.html that names them. No CDN, no network.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const out = join(root, 'dist', 'web');
const started = performance.now();

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/src/main.tsx', styles: 'web/src/styles.css' },
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff2': 'file', '.woff': 'file' },
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const pick = (pattern) => {
  const name = outputs.find((file) => pattern.test(file));
  if (!name) throw new Error(`build-web: no output matches ${pattern}`);
  return name;
};
const js = pick(/^app-[\w]+\.js$/);
const css = pick(/^styles-[\w]+\.css$/);
copyFileSync(join(root, 'web', 'public', 'favicon.svg'), join(out, 'favicon.svg'));
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light">
  <title>3kstory studio</title>
  <link rel="icon" type="image/svg+xml" href="/favicon.svg">
  <link rel="stylesheet" href="/assets/${css}">
  <script type="module" src="/assets/${js}"></script>
</head>
<body>
  <div id="app"></div>
  <noscript>The 3kstory studio needs JavaScript. The API is at /api/v1 and its documentation at /api/docs.</noscript>
</body>
</html>
`,
);
if (!process.argv.includes('--quiet')) {
  console.log(`studio built into dist/web in ${Math.round(performance.now() - started)} ms`);
}
