import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DebugLogger, type LogEntry } from './debug-logger.ts';

describe('DebugLogger', () => {
  let sent: LogEntry[][];
  let send: ReturnType<typeof vi.fn<(entries: LogEntry[]) => Promise<void>>>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    send = vi.fn((entries: LogEntry[]) => {
      sent.push(entries);
      return Promise.resolve();
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('batches lines and sends them after the interval, tagged with the context', async () => {
    const logger = new DebugLogger({ endpoint: '/x', service: 'frontend', send, flushIntervalMs: 1000 });
    logger.setContext({ room_id: 'r1', participant_id: 'p1' });
    logger.info('one');
    logger.warn('two', { extra: 1 });
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.map((entry) => [entry.level, entry.message])).toEqual([
      ['info', 'one'],
      ['warn', 'two'],
    ]);
    expect(sent[0]?.[1]).toMatchObject({
      service: 'frontend',
      metadata: { room_id: 'r1', participant_id: 'p1', extra: 1 },
    });
  });

  it('sends at once when a batch is full', async () => {
    const logger = new DebugLogger({ endpoint: '/x', service: 'f', send, maxBatch: 3 });
    for (let i = 0; i < 3; i++) logger.debug(`line ${i}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
  });

  it('keeps a failed batch for the next try, dropping the oldest beyond maxQueue', async () => {
    send.mockRejectedValueOnce(new Error('down'));
    const logger = new DebugLogger({ endpoint: '/x', service: 'f', send, maxQueue: 2, flushIntervalMs: 10 });
    logger.info('a');
    logger.info('b');
    await logger.flush();
    logger.info('c');
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.at(-1)?.map((entry) => entry.message)).toEqual(['b', 'c']);
  });

  it('posts the room token with each batch once it has one, and not after it is cleared', async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init: RequestInit) => {
        bodies.push(JSON.parse(init.body as string));
        return Promise.resolve(new Response('{}', { status: 200 }));
      }),
    );
    try {
      const logger = new DebugLogger({ endpoint: '/x', service: 'frontend' });
      logger.info('before');
      await logger.flush();
      logger.setRoomToken('room.jwt');
      logger.info('in the room');
      await logger.flush();
      logger.setRoomToken(null);
      logger.info('after');
      await logger.flush();
      expect(bodies.map((body) => (body as { room_token?: string }).room_token)).toEqual([
        undefined,
        'room.jwt',
        undefined,
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('drops context keys that are cleared', async () => {
    const logger = new DebugLogger({ endpoint: '/x', service: 'f', send });
    logger.setContext({ room_id: 'r1', participant_id: 'p1' });
    logger.clearContext('participant_id');
    logger.info('after');
    await logger.flush();
    expect(sent[0]?.[0]?.metadata).toEqual({ room_id: 'r1' });
  });

  it('reports uncaught errors and unhandled rejections', async () => {
    const logger = new DebugLogger({ endpoint: '/x', service: 'f', send });
    const uninstall = logger.installGlobalHandlers();
    window.dispatchEvent(new ErrorEvent('error', { message: 'boom', error: new Error('boom') }));
    const rejection = new Event('unhandledrejection') as Event & { reason: unknown };
    rejection.reason = new Error('nope');
    window.dispatchEvent(rejection);
    uninstall();
    await logger.flush();
    expect(sent[0]?.map((entry) => [entry.level, entry.message])).toEqual([
      ['error', 'Uncaught error: boom'],
      ['error', 'Unhandled rejection: nope'],
    ]);
  });
});
