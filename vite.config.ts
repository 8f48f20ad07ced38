import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath } from 'node:url'

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
        // The app shell, workers and job modules; binaryen (fuel metering) is large but needed offline too.
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        navigateFallback: '/index.html',
        // The mesh configuration must come from the network when it is there.
        runtimeCaching: [{ urlPattern: /\/tabmesh\.json$/, handler: 'NetworkFirst', options: { cacheName: 'tabmesh-config', networkTimeoutSeconds: 3 } }]
      }
    })
  ],
  // binaryen's Node-only branch imports node:module: a browser stand-in (web/shims/node-module.ts).
  resolve: { alias: { 'node:module': fileURLToPath(new URL('web/shims/node-module.ts', import.meta.url)) } },
  optimizeDeps: { exclude: ['binaryen'] },
  server: { fs: { allow: ['..'] } }
})
