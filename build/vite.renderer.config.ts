import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));

/**
 * The renderer bundle, loaded by the Electron window (file://) and served by the web host.
 * `base: './'` keeps every asset URL relative so both hosts work. Nothing is inlined as script:
 * the page runs under `script-src 'self'` (no inline script, no eval).
 */
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${repoRoot}out/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    // Never turn small modules or assets into inline data: the CSP allows only files from 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
