import type { ConnectionPath } from '../../services/webrtc-stats.ts';

// Words a person (or an operator on a call) understands: "relayed over TLS" says at once that
// the network blocks UDP and the TURN relay carries the call.
const pathLabels: Record<ConnectionPath, string> = {
  udp: 'Direct (UDP)',
  tcp: 'Direct (TCP)',
  'turn-udp': 'Relayed (UDP)',
  'turn-tcp': 'Relayed over TCP',
  'turn-tls': 'Relayed over TLS',
};

function connectionPathLabel(path: ConnectionPath): string {
  return pathLabels[path];
}

interface Props {
  path: ConnectionPath | null;
  name: string;
  isLocal: boolean;
}

/** The network path of a tile's media, beside its connection quality. */
export function ConnectionPathLabel({ path, name, isLocal }: Props) {
  if (path === null) return null;
  const label = connectionPathLabel(path);
  // This browser only sees its own connections: a remote tile shows how that person's media
  // reaches us, the local tile how ours reaches the media server.
  const detail = isLocal
    ? `Your connection to the media server: ${label}`
    : `${name}'s media reaches you: ${label}`;
  return (
    <span className="tile-path" data-path={path} title={detail}>
      {label}
    </span>
  );
}
