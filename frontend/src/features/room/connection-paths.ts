import type { StreamStats } from '../../adapters/sfu-adapter.ts';
import type { PresentPerson } from '../../services/room-channel.ts';
import type { ConnectionPath } from '../../services/webrtc-stats.ts';

/**
 * Each participant's path from one stats sample: the local participant's from what it sends,
 * everyone else's from what this browser receives of theirs (the first stream that has one).
 */
export function pathsByParticipant(streams: readonly StreamStats[]): Map<string, ConnectionPath> {
  const paths = new Map<string, ConnectionPath>();
  for (const stream of streams) {
    if (stream.path !== null && !paths.has(stream.participantId)) {
      paths.set(stream.participantId, stream.path);
    }
  }
  return paths;
}

/**
 * The path each tile shows: this browser's own, as measured, and everyone else's as they
 * announce it over the room channel ("Bob is relayed over TLS"), since how Bob's media reaches
 * this browser says nothing about Bob's network. Unknown until they have announced one.
 */
export function tilePaths(
  measured: ReadonlyMap<string, ConnectionPath>,
  localId: string | undefined,
  people: readonly PresentPerson[],
): Map<string, ConnectionPath> {
  const paths = new Map<string, ConnectionPath>();
  for (const person of people) {
    if (person.path !== null && person.id !== localId) paths.set(person.id, person.path);
  }
  const own = localId === undefined ? undefined : measured.get(localId);
  if (localId !== undefined && own !== undefined) paths.set(localId, own);
  return paths;
}
