import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console is built into dist/ui, next to the compiled gateway that serves it at /ui.
 * No inline scripts (the page runs under `script-src 'self'`), no CDN, no web fonts.
 */
export default defineConfig({
  root: here,
  base: '/ui/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
