// The two peer connections of an embedded-SFU session (docs/embedded-sfu.md): the publish one,
// where we always offer, and the subscribe one, where the server always offers. ICE is not
// trickled, so every SDP we send is the local description after gathering finished.
import type { EmbeddedSignalling, Source, TrackRef } from './embedded-signalling.ts';

const GATHERING_TIMEOUT_MS = 2000;

export function createPeerConnection(iceServers: RTCIceServer[]): RTCPeerConnection {
  return new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
}

/** Resolves with the local SDP once ICE gathering completes (or after a timeout, as it is). */
export async function gatheredSdp(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, GATHERING_TIMEOUT_MS);
      function done() {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      function check() {
        if (pc.iceGatheringState === 'complete') done();
      }
      pc.addEventListener('icegatheringstatechange', check);
    });
  }
  return pc.localDescription?.sdp ?? '';
}

/** Our camera, microphone and screen on the publish connection; one transceiver per source. */
export class Publisher {
  readonly pc: RTCPeerConnection;
  private readonly transceivers = new Map<Source, RTCRtpTransceiver>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    iceServers: RTCIceServer[],
    private readonly signalling: EmbeddedSignalling,
  ) {
    this.pc = createPeerConnection(iceServers);
  }

  /** Publishes `track` as `source`, replacing what was there; null unpublishes it. */
  setTrack(source: Source, track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.transceivers.get(source);
    if (track && transceiver?.currentDirection === 'sendonly' && transceiver.direction === 'sendonly') {
      // Same source on a published m-line (a new device, or a camera turned back on): no
      // renegotiation needed.
      return transceiver.sender.replaceTrack(track);
    }
    if (track) {
      if (transceiver) {
        transceiver.direction = 'sendonly';
        void transceiver.sender.replaceTrack(track);
      } else {
        this.transceivers.set(source, this.pc.addTransceiver(track, { direction: 'sendonly' }));
      }
    } else if (transceiver) {
      // Never stop() a transceiver: a stopped m-line's mid could be recycled for another source.
      void transceiver.sender.replaceTrack(null);
      transceiver.direction = 'inactive';
    } else {
      return Promise.resolve();
    }
    return this.negotiate();
  }

  /**
   * Stops sending `source` but keeps it published (muted), as LiveKit does with a camera
   * turned off: the m-line stays, so turning it back on is a replaceTrack, not a new offer.
   */
  pause(source: Source): Promise<void> {
    return this.transceivers.get(source)?.sender.replaceTrack(null) ?? Promise.resolve();
  }

  /** Publishes several tracks with one offer (the first publish, or after a rejoin). */
  setTracks(tracks: ReadonlyMap<Source, MediaStreamTrack>): Promise<void> {
    let added = false;
    for (const [source, track] of tracks) {
      // A source published meanwhile (a screen share started during the first publish) stays.
      if (this.transceivers.has(source)) continue;
      this.transceivers.set(source, this.pc.addTransceiver(track, { direction: 'sendonly' }));
      added = true;
    }
    return added ? this.negotiate() : Promise.resolve();
  }

  senders(): { source: Source; sender: RTCRtpSender }[] {
    return [...this.transceivers]
      .filter(([, transceiver]) => transceiver.direction === 'sendonly')
      .map(([source, transceiver]) => ({ source, sender: transceiver.sender }));
  }

  close(): void {
    this.pc.close();
  }

  /** Offers are queued: the server answers in order, and one local description at a time. */
  private negotiate(): Promise<void> {
    const run = async () => {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      const sdp = await gatheredSdp(this.pc);
      const tracks: Record<string, Source> = {};
      for (const [source, transceiver] of this.transceivers) {
        if (transceiver.direction === 'sendonly' && transceiver.mid !== null) {
          tracks[transceiver.mid] = source;
        }
      }
      const answer = await this.signalling.publish(sdp, tracks);
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    };
    const next = this.chain.then(run);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

export interface ReceivedTrack {
  ref: TrackRef;
  track: MediaStreamTrack;
  receiver: RTCRtpReceiver;
}

/** The others' media, on the subscribe connection the server offers to. */
export class Subscriber {
  readonly pc: RTCPeerConnection;
  private refs: Record<string, TrackRef> = {};

  constructor(iceServers: RTCIceServer[]) {
    this.pc = createPeerConnection(iceServers);
  }

  /** Applies a server offer and returns our answer's SDP. */
  async answer(sdp: string, refs: Record<string, TrackRef>): Promise<string> {
    this.refs = refs;
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return gatheredSdp(this.pc);
  }

  /** Every track we currently receive, by `participant:source`. */
  tracks(): Map<string, ReceivedTrack> {
    const out = new Map<string, ReceivedTrack>();
    for (const transceiver of this.pc.getTransceivers()) {
      const ref = transceiver.mid === null ? undefined : this.refs[transceiver.mid];
      if (!ref) continue;
      const { receiver } = transceiver;
      out.set(`${ref.participant}:${ref.source}`, { ref, track: receiver.track, receiver });
    }
    return out;
  }

  /** Received audio tracks by track id. */
  audioTracks(): Map<string, MediaStreamTrack> {
    const audio = new Map<string, MediaStreamTrack>();
    for (const { ref, track } of this.tracks().values()) {
      if (ref.kind === 'audio') audio.set(ref.track, track);
    }
    return audio;
  }

  close(): void {
    this.pc.close();
  }
}

/** Participants who gained or lost a received track between two `tracks()` key sets. */
export function changedParticipants(before: Set<string>, after: Set<string>): Set<string> {
  const changed = new Set<string>();
  for (const key of new Set([...before, ...after])) {
    if (before.has(key) !== after.has(key)) changed.add(key.split(':')[0] ?? '');
  }
  return changed;
}
