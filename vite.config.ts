import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath } from 'node:url'

/** Assets the service worker caches when first used, not at install (see `workbox` below): globs, and a URL pattern for the same files. */
const LAZY_GLOBS = ['**/fuel-*.js', '**/sqlite3-*.wasm', '**/zopfli-*.wasm']
const LAZY_ASSETS = /\/assets\/(fuel-[\w-]+\.js|(sqlite3|zopfli)-[\w-]+\.wasm)$/

export default defineConfig({
  root: 'web',
  publicDir: '../public',
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 16_000 },
  worker: { format: 'es' },
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'auto',
      manifest: {
        name: 'Tabmesh — contribute compute',
        short_name: 'Tabmesh',
        description: 'Lend this device\'s spare CPU to a peer-to-peer WebAssembly compute mesh, and run jobs on it.',
        theme_color: '#0b1120',
        background_color: '#0b1120',
        display: 'standalone',
        start_url: '/',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' }
        ]
      },
      workbox: {
        // Precached on the first visit: the app shell, workers and the built-in job modules (1.7 MB).
        // Not precached: binaryen (fuel metering, 13 MB, loaded by a tab's first fuel-limited task) and the
        // SQLite and Zopfli example programs (1.8 MB, loaded when a job is built from them). They are cached
        // when first used (CacheFirst below). Precaching them made every first visit download 16.7 MB
        // while the tab started, and first tasks came ~45 ms later (median of 8 loads: 825 against 780 ms).
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        globIgnores: LAZY_GLOBS,
        navigateFallback: '/index.html',
        runtimeCaching: [
          // Content-hashed file names: a cached copy is never stale.
          { urlPattern: LAZY_ASSETS, handler: 'CacheFirst', options: { cacheName: 'tabmesh-lazy-assets', expiration: { maxEntries: 16 } } },
          // The mesh configuration must come from the network when it is there.
          { urlPattern: /\/tabmesh\.json$/, handler: 'NetworkFirst', options: { cacheName: 'tabmesh-config', networkTimeoutSeconds: 3 } }
        ]
      }
    })
  ],
  // binaryen's Node-only branch imports node:module: a browser stand-in (web/shims/node-module.ts).
  resolve: { alias: { 'node:module': fileURLToPath(new URL('web/shims/node-module.ts', import.meta.url)) } },
  optimizeDeps: { exclude: ['binaryen'] },
  server: { fs: { allow: ['..'] } }
})
