import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StreamStats } from '../../adapters/sfu-adapter.ts';
import { ConnectionPathLabel } from './connection-path.tsx';
import { pathsByParticipant, tilePaths } from './connection-paths.ts';

function stream(participantId: string, path: StreamStats['path']): StreamStats {
  return {
    participantId,
    direction: 'inbound',
    kind: 'video',
    source: 'camera',
    bitrateKbps: null,
    packetsLost: null,
    packetLossPercent: null,
    roundTripMs: null,
    jitterMs: null,
    width: null,
    height: null,
    framesPerSecond: null,
    path,
    framesDecoded: null,
    packetsReceived: null,
    freezeCount: null,
    qualityLimitation: null,
  };
}

describe('ConnectionPathLabel', () => {
  it('says a relayed path in words, with what it means for whom', () => {
    render(<ConnectionPathLabel path="turn-tls" name="Bob" isLocal={false} />);
    const label = screen.getByText('Relayed over TLS');
    expect(label.dataset.path).toBe('turn-tls');
    expect(label.title).toBe("Bob's connection to the media server: Relayed over TLS");
  });

  it('describes the local tile as our own connection', () => {
    render(<ConnectionPathLabel path="udp" name="Ann" isLocal />);
    expect(screen.getByText('Direct (UDP)').title).toMatch(/^Your connection/);
  });

  it('shows nothing before the first stats sample', () => {
    const { container } = render(<ConnectionPathLabel path={null} name="Ann" isLocal />);
    expect(container.textContent).toBe('');
  });
});

describe('pathsByParticipant', () => {
  it('takes the first stream with a path of each participant', () => {
    const paths = pathsByParticipant([
      stream('ann', null),
      stream('ann', 'turn-tcp'),
      stream('bob', 'udp'),
      stream('ann', 'udp'),
    ]);
    expect([...paths]).toEqual([
      ['ann', 'turn-tcp'],
      ['bob', 'udp'],
    ]);
  });
});

describe('tilePaths', () => {
  const person = (id: string, path: StreamStats['path']) => ({ id, name: id, joinedAt: '', handRaised: false, path });

  it('shows this browser its own measured path and everyone else theirs as announced', () => {
    // This browser receives Bob straight over UDP, but Bob announced that he is relayed.
    const measured = pathsByParticipant([stream('me', 'udp'), stream('bob', 'udp'), stream('ann', 'udp')]);
    const paths = tilePaths(measured, 'me', [person('me', 'turn-tcp'), person('bob', 'turn-tls'), person('ann', null)]);
    expect(Object.fromEntries(paths)).toEqual({ me: 'udp', bob: 'turn-tls' });
  });
});
