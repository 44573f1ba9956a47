import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const at = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/**
 * Main and preload bundles (`npm run build:electron`). The renderer is built by vite separately
 * (build/vite.renderer.config.ts -> out/renderer), and the main process serves it on porthole://app/.
 */
export default defineConfig({
  main: {
    root: repoRoot,
    build: {
      outDir: at('out/main'),
      emptyOutDir: true,
      sourcemap: true,
      // Dependencies stay in node_modules (electron-builder packs them); ours is bundled.
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: at('electron/main/index.ts') },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    root: repoRoot,
    build: {
      outDir: at('out/preload'),
      emptyOutDir: true,
      sourcemap: true,
      // A sandboxed preload cannot require anything but 'electron': bundle everything (zod too) into
      // one CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: at('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
});
