// Turns the stream figures a call samples into the moments that matter to the person in it:
// the first remote frame and the first audio after joining, each freeze, each reconnect.
// They are log lines with their figures as metadata; the debug service keeps them per room and
// participant, times the first frame and audio in histograms, and plots them in the call view.
import type { ConnectionState, StreamStats } from '../adapters/sfu-adapter.ts';

export type QualityLog = (
  level: 'info' | 'warn',
  message: string,
  metadata: Record<string, unknown>,
) => void;

export const QUALITY_MESSAGES = {
  firstFrame: 'call quality: first remote frame',
  firstAudio: 'call quality: first audio',
  freeze: 'call quality: video froze',
  reconnecting: 'call quality: reconnecting',
  reconnected: 'call quality: reconnected',
} as const;

export class CallQualityTracker {
  private firstFrameSeen = false;
  private firstAudioSeen = false;
  private readonly freezes = new Map<string, number>();
  private lostAt: number | null = null;
  private connection: ConnectionState | null = null;

  constructor(
    private readonly joinStartedMs: number,
    private readonly log: QualityLog,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True until both a remote frame and remote audio have arrived. */
  get waitingForFirstMedia(): boolean {
    return !this.firstFrameSeen || !this.firstAudioSeen;
  }

  observe(streams: readonly StreamStats[]): void {
    for (const stream of streams) {
      if (stream.direction !== 'inbound') continue;
      const since = Math.round(this.now() - this.joinStartedMs);
      const from = stream.participantId;
      if (stream.kind === 'video' && !this.firstFrameSeen && (stream.framesDecoded ?? 0) > 0) {
        this.firstFrameSeen = true;
        this.log('info', QUALITY_MESSAGES.firstFrame, { join_to_first_frame_ms: since, from });
      }
      if (stream.kind === 'audio' && !this.firstAudioSeen && (stream.packetsReceived ?? 0) > 0) {
        this.firstAudioSeen = true;
        this.log('info', QUALITY_MESSAGES.firstAudio, { join_to_first_audio_ms: since, from });
      }
      if (stream.kind === 'video' && stream.freezeCount !== null) {
        const key = `${from}/${stream.source}`;
        const before = this.freezes.get(key);
        this.freezes.set(key, stream.freezeCount);
        if (before !== undefined && stream.freezeCount > before) {
          this.log('warn', QUALITY_MESSAGES.freeze, {
            from,
            source: stream.source,
            freezes: stream.freezeCount - before,
          });
        }
      }
    }
  }

  connectionChanged(state: ConnectionState): void {
    if (state === this.connection) return;
    const previous = this.connection;
    this.connection = state;
    if (state === 'reconnecting') {
      this.lostAt = this.now();
      this.log('warn', QUALITY_MESSAGES.reconnecting, {});
    } else if (state === 'connected' && previous === 'reconnecting' && this.lostAt !== null) {
      this.log('info', QUALITY_MESSAGES.reconnected, {
        outage_ms: Math.round(this.now() - this.lostAt),
      });
      this.lostAt = null;
    }
  }
}
