import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  root: 'web',
  publicDir: '../public',
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 16_000 },
  worker: { format: 'es' },
  plugins: [react()],
  optimizeDeps: { exclude: ['binaryen'] },
  server: { fs: { allow: ['..'] } }
})
