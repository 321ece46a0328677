import react from '@vitejs/plugin-react';
import { searchForWorkspaceRoot } from 'vite';
import { defineConfig } from 'vitest/config';

// In development the Vite server stands in for nginx: same paths, same prefix stripping, so
// `npm run dev` joins calls against the services `make up` runs (their ports are the defaults).
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:4000';
const debugService = process.env.DEBUG_SERVICE_URL ?? 'http://127.0.0.1:5000';
// The SFU's signalling: the embedded SFU's /rtc, or LiveKit's /rtc and /rtc/validate
// (SFU_SIGNAL_URL=http://127.0.0.1:7880 with `SFU_PROVIDER=livekit make up`). Media goes to
// the SFU directly, as it does behind nginx.
const sfuSignal = process.env.SFU_SIGNAL_URL ?? 'http://127.0.0.1:7890';

export default defineConfig({
  plugins: [react()],
  server: {
    // The connectivity help page shows a section of ../docs/deploy.md (imported with ?raw).
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), '../docs'] },
    proxy: {
      '/api': backend,
      '/ws': { target: backend, ws: true },
      '/rtc': { target: sfuSignal, ws: true },
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
