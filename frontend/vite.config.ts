import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// In development the Vite server stands in for nginx: same paths, same prefix stripping.
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:4000';
const debugService = process.env.DEBUG_SERVICE_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend, ws: true },
      '/debug': {
        target: debugService,
        ws: true,
        rewrite: (path) => path.replace(/^\/debug/, ''),
      },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Every page is a fresh module load; the preload polyfill only serves pre-2020 browsers.
    modulePreload: { polyfill: false },
    // livekit-client alone is ~540 kB; it is its own chunk, loaded only on the room page.
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
