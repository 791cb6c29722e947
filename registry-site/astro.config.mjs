// The registry site: static pages, each `<route>/index.html`. `freshet site build` runs Astro with
// this file and hands in where the site's data is (actions/lib/site/build-site.ts); `site`, `base`
// and `outDir` come from its flags.
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  build: { format: 'directory', inlineStylesheets: 'always' },
  trailingSlash: 'always',
  devToolbar: { enabled: false },
});
