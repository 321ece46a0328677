// Keeping a room token valid while the channel is joined (docs/realtime.md, "Tabs open for
// hours"): `renew_token` at half the remaining lifetime, again after a failure that may pass,
// never again after one that cannot.

/** What this module needs of a phoenix Push (the real one satisfies it). */
export interface PushLike {
  receive(status: string, callback: (response: unknown) => void): PushLike;
}

const RENEW_RETRY_MS = 30_000;
/** Refusals of `renew_token` that no later attempt can change (docs/realtime.md). */
const FINAL_RENEWAL_REFUSALS = new Set([
  'room_closed',
  'participant_left',
  'participant_removed',
  'participant_not_found',
  'session_expired',
]);

/** A server refusal in words: its message, else its reason. */
export function reasonOf(response: unknown): string {
  const value = response as { reason?: unknown; message?: unknown } | null;
  if (typeof value?.message === 'string') return value.message;
  return typeof value?.reason === 'string' ? value.reason : 'unknown error';
}

interface Options {
  push: (event: string, payload: object) => PushLike;
  setToken: (token: string) => void;
  /** The server will not renew any more: why, in words. */
  onFinalRefusal: (message: string) => void;
  now?: (() => number) | undefined;
}

export class TokenRenewal {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: Options) {}

  /** Renews before `expiresAt` (the join reply's `token_expires_at`). */
  schedule(expiresAt: string): void {
    clearTimeout(this.timer);
    const now = this.options.now?.() ?? Date.now();
    const left = Date.parse(expiresAt) - now;
    if (!Number.isFinite(left)) return;
    // Half the remaining lifetime leaves room for a few failed attempts before expiry.
    this.timer = setTimeout(() => {
      this.renew();
    }, Math.max(left / 2, 1000));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private renew(): void {
    if (this.stopped) return;
    this.options
      .push('renew_token', {})
      .receive('ok', (response) => {
        const { token, expires_at } = response as { token: string; expires_at: string };
        this.options.setToken(token);
        this.schedule(expires_at);
      })
      .receive('error', (response) => {
        const reason = (response as { reason?: unknown } | null)?.reason;
        // The server will never renew for these: asking again every 30 s would go on forever.
        if (typeof reason === 'string' && FINAL_RENEWAL_REFUSALS.has(reason)) {
          this.options.onFinalRefusal(reasonOf(response));
          return;
        }
        this.retry();
      })
      .receive('timeout', () => {
        this.retry();
      });
  }

  private retry(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.renew();
    }, RENEW_RETRY_MS);
  }
}
