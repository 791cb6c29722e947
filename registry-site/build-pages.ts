// Renders the pages: `node build-pages.ts OPTIONS_JSON`, run by `freshet site build`
// (actions/lib/site/build-site.ts) in this folder. Astro is run in a process of its own with this
// folder as its working directory: it writes its prerendering chunks under the working directory
// (when the output folder lies elsewhere) and imports them from there, so they must find this
// project's node_modules; and one build's Vite state never meets another's.
import { build } from 'astro';

interface BuildPagesOptions {
  /** Inside this folder (see above). */
  readonly outDir: string;
  readonly base: string;
  /** The site's data (registry-site/src/data/site.ts reads it). */
  readonly dataFile: string;
  readonly cacheDir: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as BuildPagesOptions;
await build({
  root: process.cwd(),
  outDir: options.outDir,
  base: options.base,
  cacheDir: options.cacheDir,
  logLevel: 'warn',
  vite: {
    cacheDir: `${options.cacheDir}/vite`,
    define: { __FRESHET_SITE_DATA__: JSON.stringify(options.dataFile) },
  },
});
