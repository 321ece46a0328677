// Ships the browser's own log lines to the debug service in batches, so that a problem seen in
// one browser can be read next to the backend's and the SFU's lines for the same room.
// Batching keeps a chatty page (stats every few seconds, errors in a loop) to a few requests.

import type { LogBatchIn, LogEntryIn, LogEntryPublic } from './generated/log-entry.ts';

export type LogLevel = LogEntryPublic['level'];

/** A line as the debug service takes it (its schema), as this logger always fills it. */
export interface LogEntry extends LogEntryIn {
  timestamp: string;
  level: LogLevel;
  metadata: Record<string, unknown>;
}

interface LogBatch extends LogBatchIn {
  logs: LogEntry[];
}

export type LogContext = Record<string, string | undefined>;

export interface DebugLoggerOptions {
  endpoint: string;
  service: string;
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Oldest lines are dropped beyond this, so an unreachable debug service cannot eat memory. */
  maxQueue?: number;
  send?: (entries: LogEntry[]) => Promise<void>;
  mirrorToConsole?: boolean;
}

export class DebugLogger {
  private readonly queue: LogEntry[] = [];
  private context: LogContext = {};
  private roomToken: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly send: (entries: LogEntry[]) => Promise<void>;

  constructor(private readonly options: DebugLoggerOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 2000;
    this.maxBatch = options.maxBatch ?? 50;
    this.maxQueue = options.maxQueue ?? 1000;
    this.send = options.send ?? ((entries) => postEntries(options.endpoint, this.batch(entries)));
  }

  /** Context is merged into every later line's metadata (room_id, participant_id, ...). */
  setContext(context: LogContext): void {
    this.context = { ...this.context, ...context };
  }

  /** The room token sent with every batch, so the debug service files these lines under
   * the token's room and participant (it trusts nothing else a browser says about them). */
  setRoomToken(token: string | null): void {
    this.roomToken = token;
  }

  private batch(entries: LogEntry[]): LogBatch {
    return this.roomToken === null ? { logs: entries } : { logs: entries, room_token: this.roomToken };
  }

  clearContext(...keys: string[]): void {
    this.context = Object.fromEntries(
      Object.entries(this.context).filter(([key]) => !keys.includes(key)),
    );
  }

  debug(message: string, metadata?: Record<string, unknown>): void {
    this.log('debug', message, metadata);
  }
  info(message: string, metadata?: Record<string, unknown>): void {
    this.log('info', message, metadata);
  }
  warn(message: string, metadata?: Record<string, unknown>): void {
    this.log('warn', message, metadata);
  }
  error(message: string, metadata?: Record<string, unknown>): void {
    this.log('error', message, metadata);
  }

  log(level: LogLevel, message: string, metadata: Record<string, unknown> = {}): void {
    const context = Object.fromEntries(
      Object.entries(this.context).filter(([, value]) => value !== undefined),
    );
    this.queue.push({
      timestamp: new Date().toISOString(),
      service: this.options.service,
      level,
      message,
      metadata: { ...context, ...metadata },
    });
    this.trim();
    if (this.options.mirrorToConsole) {
      const method = level === 'debug' ? 'debug' : level;
      console[method](`[${level}] ${message}`, metadata);
    }
    if (this.queue.length >= this.maxBatch) void this.flush();
    else this.schedule();
  }

  /** Sends everything queued so far; a batch that fails to send is put back for a later try. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.send(batch);
      } catch {
        this.queue.unshift(...batch);
        this.trim();
        this.schedule();
        return;
      }
    }
  }

  private trim(): void {
    if (this.queue.length > this.maxQueue) this.queue.splice(0, this.queue.length - this.maxQueue);
  }

  /** On page hide a fetch may be cancelled; a beacon is delivered by the browser afterwards. */
  flushWithBeacon(): void {
    if (this.queue.length === 0 || typeof navigator.sendBeacon !== 'function') return;
    const batch = this.queue.splice(0, this.queue.length);
    const blob = new Blob([JSON.stringify(this.batch(batch))], { type: 'application/json' });
    if (!navigator.sendBeacon(this.options.endpoint, blob)) this.queue.unshift(...batch);
  }

  /** Reports uncaught errors and unhandled rejections; returns the function that uninstalls. */
  installGlobalHandlers(target: Window = window): () => void {
    const onError = (event: ErrorEvent) => {
      this.error(`Uncaught error: ${event.message}`, {
        source: event.filename,
        line: event.lineno,
        column: event.colno,
        stack: event.error instanceof Error ? event.error.stack : undefined,
      });
    };
    const onRejection = (event: PromiseRejectionEvent) => {
      const reason: unknown = event.reason;
      this.error(`Unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`, {
        stack: reason instanceof Error ? reason.stack : undefined,
      });
    };
    const onHide = () => {
      this.flushWithBeacon();
    };
    target.addEventListener('error', onError);
    target.addEventListener('unhandledrejection', onRejection);
    target.addEventListener('pagehide', onHide);
    return () => {
      target.removeEventListener('error', onError);
      target.removeEventListener('unhandledrejection', onRejection);
      target.removeEventListener('pagehide', onHide);
    };
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushIntervalMs);
  }
}

async function postEntries(endpoint: string, batch: LogBatch): Promise<void> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(batch),
  });
  if (!response.ok) throw new Error(`debug service answered ${response.status}`);
}

/** A random id per tab, so two tabs of the same person can be told apart in the logs. */
const sessionId = Math.random().toString(36).slice(2, 10);

export const logger = new DebugLogger({
  endpoint: '/debug/api/logs',
  service: 'frontend',
  mirrorToConsole: import.meta.env.DEV,
});
logger.setContext({ session_id: sessionId });
