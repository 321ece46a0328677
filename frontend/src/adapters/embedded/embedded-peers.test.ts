import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Publisher } from './embedded-peers.ts';
import type { EmbeddedSignalling, Source } from './embedded-signalling.ts';

interface FakeTransceiver {
  mid: string | null;
  direction: RTCRtpTransceiverDirection;
  currentDirection: RTCRtpTransceiverDirection | null;
  sender: { track: MediaStreamTrack | null; replaceTrack(track: MediaStreamTrack | null): Promise<void> };
}

/** Enough of RTCPeerConnection for the publish side: transceivers, and an offer/answer that
 * makes each transceiver's current direction its direction. */
class FakePeerConnection {
  readonly transceivers: FakeTransceiver[] = [];
  iceGatheringState = 'complete';
  localDescription: { sdp: string } | null = null;

  addTransceiver(track: MediaStreamTrack, init: { direction: RTCRtpTransceiverDirection }) {
    const transceiver: FakeTransceiver = {
      mid: null,
      direction: init.direction,
      currentDirection: null,
      sender: {
        track,
        replaceTrack(next) {
          this.track = next;
          return Promise.resolve();
        },
      },
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  createOffer() {
    return Promise.resolve({ type: 'offer', sdp: 'offer' });
  }
  setLocalDescription(description: { sdp: string }) {
    this.transceivers.forEach((transceiver, index) => {
      transceiver.mid ??= String(index);
    });
    this.localDescription = description;
    return Promise.resolve();
  }
  setRemoteDescription() {
    for (const transceiver of this.transceivers) transceiver.currentDirection = transceiver.direction;
    return Promise.resolve();
  }
  close(): void {
    // Nothing to release.
  }
}

const track = (id: string) => ({ id, kind: 'video' }) as unknown as MediaStreamTrack;

let offers: Record<string, Source>[];
let publisher: Publisher;

beforeEach(() => {
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  offers = [];
  const signalling = {
    publish: (_sdp: string, tracks: Record<string, Source>) => {
      offers.push(tracks);
      return Promise.resolve('answer');
    },
  };
  publisher = new Publisher([], signalling as unknown as EmbeddedSignalling);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function cameraSender() {
  const pc = publisher.pc as unknown as FakePeerConnection;
  const transceiver = pc.transceivers[0];
  if (!transceiver) throw new Error('no transceiver');
  return transceiver.sender;
}

describe('Publisher', () => {
  it('pauses a camera without renegotiating and resumes it on the same m-line', async () => {
    await publisher.setTrack('camera', track('first'));
    expect(offers).toEqual([{ 0: 'camera' }]);

    await publisher.pause('camera');
    expect(cameraSender().track).toBeNull();
    // Still published (the server shows it muted): the sender stays in the stats.
    expect(publisher.senders().map(({ source }) => source)).toEqual(['camera']);

    await publisher.setTrack('camera', track('second'));
    expect(cameraSender().track).toEqual(track('second'));
    expect(offers).toHaveLength(1);
  });

  it('unpublishes with an offer without the source, and publishes again with one naming it', async () => {
    await publisher.setTrack('screen', track('share'));
    await publisher.setTrack('screen', null);
    expect(offers.at(-1)).toEqual({});
    await publisher.setTrack('screen', track('share again'));
    expect(offers.at(-1)).toEqual({ 0: 'screen' });
    expect(offers).toHaveLength(3);
  });
});
