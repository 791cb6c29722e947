// The Worker's entry (wrangler.jsonc `main`): the app, kept for the isolate's life so that its
// catalog caches the models it loaded.
import { createApp } from './app.ts';

export default createApp();
