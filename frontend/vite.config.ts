/// <reference types="vitest/config" />
import { createHash } from 'node:crypto'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// serviceWorker writes dist/sw.js from src/sw/sw.js with the list of built
// files and a version derived from their names (which carry content
// hashes), so the worker changes exactly when the app does and the build
// stays byte-for-byte reproducible.
function serviceWorker(): Plugin {
  return {
    name: 'cleancity-sw',
    apply: 'build',
    async generateBundle(_opts, bundle) {
      const { readFile } = await import('node:fs/promises')
      const files = Object.keys(bundle)
        .filter((f) => !f.endsWith('.map'))
        .sort()
      const precache = ['/', '/manifest.webmanifest', '/icon.svg', ...files.filter((f) => f !== 'index.html').map((f) => '/' + f)]
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 16)
      const src = await readFile(new URL('./src/sw/sw.js', import.meta.url), 'utf8')
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: src.replace('__VERSION__', version).replace("'__PRECACHE__'", JSON.stringify(precache)),
      })
    },
  }
}

export default defineConfig({
  plugins: [vue(), serviceWorker()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
  },
})
