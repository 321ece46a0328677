// The one registration place for SFU adapters: provider name -> lazily loaded adapter. Each
// entry is a dynamic import, so an SFU's client library is downloaded only on the room page,
// never on home or /logs. The provider names the API client accepts are derived from here.
import { logger } from '../services/debug-logger.ts';
import type { AdapterLog, SfuAdapter } from './sfu-adapter.ts';

type AdapterFactory = (log: AdapterLog) => SfuAdapter;

/** One entry per SFU provider name the backend can return in `sfu.provider`. */
const adapters = {
  livekit: async () => {
    const { LiveKitAdapter } = await import('./livekit/livekit-adapter.ts');
    return (log) => new LiveKitAdapter(log);
  },
  embedded: async () => {
    const { EmbeddedAdapter } = await import('./embedded/embedded-adapter.ts');
    return (log) => new EmbeddedAdapter(log);
  },
} satisfies Record<string, () => Promise<AdapterFactory>>;

/** A provider name this frontend has an adapter for. */
export type SfuProvider = keyof typeof adapters;

export function isSfuProvider(name: string): name is SfuProvider {
  return Object.hasOwn(adapters, name);
}

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
  if (!isSfuProvider(provider)) throw new UnsupportedProviderError(provider);
  const create = await adapters[provider]();
  return create(log);
}

/** Starts downloading every adapter's code, so that clicking "Join" does not wait for it. */
export async function preloadAdapters(): Promise<void> {
  await Promise.allSettled(Object.values(adapters).map((load) => load()));
}
