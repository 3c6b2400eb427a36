// Builds the static page into target/dist: index.html, dashboard.js (the bundle, with uPlot),
// dashboard.css (uPlot's styles and ours) and uPlot's licence, which its MIT terms ask to ship with it.
// Maven packages that folder as the classpath folder dashboard/.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'target/dist';

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
await build({
  entryPoints: { dashboard: 'src/main.js' },
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'iife',
  target: ['es2022'],
  legalComments: 'none',
  outdir: OUT,
  logLevel: 'warning',
});
copyFileSync('src/index.html', `${OUT}/index.html`);
copyFileSync('node_modules/uplot/LICENSE', `${OUT}/uPlot-LICENSE.txt`);
