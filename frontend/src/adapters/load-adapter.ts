// Picks the adapter for the SFU the backend says it uses. Each entry is a dynamic import, so
// an SFU's client library is downloaded only on the room page, never on home or /logs.
import { logger } from '../services/debug-logger.ts';
import type { AdapterLog, SfuAdapter } from './sfu-adapter.ts';

type AdapterFactory = (log: AdapterLog) => SfuAdapter;

/** One entry per SFU provider name the backend can return in `sfu.provider`. */
const adapters: Record<string, () => Promise<AdapterFactory>> = {
  livekit: async () => {
    const { LiveKitAdapter } = await import('./livekit/livekit-adapter.ts');
    return (log) => new LiveKitAdapter(log);
  },
  embedded: async () => {
    const { EmbeddedAdapter } = await import('./embedded/embedded-adapter.ts');
    return (log) => new EmbeddedAdapter(log);
  },
};

const log: AdapterLog = (level, message, metadata) => {
  logger.log(level, message, metadata);
};

export class UnsupportedProviderError extends Error {
  constructor(readonly provider: string) {
    super(`This app cannot talk to the "${provider}" media server.`);
    this.name = 'UnsupportedProviderError';
  }
}

export async function loadAdapter(provider: string): Promise<SfuAdapter> {
  const load = adapters[provider];
  if (!load) throw new UnsupportedProviderError(provider);
  const create = await load();
  return create(log);
}

/** Starts downloading every adapter's code, so that clicking "Join" does not wait for it. */
export async function preloadAdapters(): Promise<void> {
  await Promise.allSettled(Object.values(adapters).map((load) => load()));
}
