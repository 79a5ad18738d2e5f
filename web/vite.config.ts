/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
// @ts-expect-error plain ES module without types
import { sourceHash } from './scripts/source-hash.mjs';

const webDir = dirname(fileURLToPath(import.meta.url));
const outDir = process.env.TOEX_WEB_OUT ?? resolve(webDir, '../src/toex/api/static');

/** Records the content hash of the sources in the bundle, checked by tests/web/test_bundle.py. */
function buildInfo(): Plugin {
  return {
    name: 'toex-build-info',
    apply: 'build',
    generateBundle() {
      const info = { source_sha256: sourceHash(webDir) as string, note: 'built by `npm run build` in web/; do not edit' };
      this.emitFile({ type: 'asset', fileName: 'build-info.json', source: JSON.stringify(info, null, 2) + '\n' });
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [buildInfo()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `npm run dev` proxies the API to a running `toex serve` (default port 8000).
    proxy: { '/api': process.env.TOEX_API ?? 'http://127.0.0.1:8000' },
  },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
