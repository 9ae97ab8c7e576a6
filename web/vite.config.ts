import { defineConfig } from 'vitest/config';

// The console builds into the engine's dist/web, which the engine serves at `/` (src/console/).
export default defineConfig({
  base: '/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // No inline script or style anywhere (CSP script-src 'self'); no source maps in the served files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
