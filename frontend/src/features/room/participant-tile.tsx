import { type ReactNode, useEffect, useRef } from 'react';
import { HandIcon, MicIcon } from '../../components/icons.tsx';
import type { ShownReaction } from '../../services/room-channel.ts';
import { MediaUnreachableNotice } from './media-problems/media-unreachable-notice.tsx';
import type { ConnectionPath } from '../../services/webrtc-stats.ts';
import { ConnectionPathLabel } from './connection-path.tsx';
import { reactionKind } from './reactions.ts';
import type {
  ConnectionQuality,
  ParticipantView,
  SfuAdapter,
  VideoSource,
} from '../../adapters/sfu-adapter.ts';

const qualityBars: Record<ConnectionQuality, number> = {
  excellent: 3,
  good: 2,
  poor: 1,
  lost: 0,
  unknown: 0,
};

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts.at(-1)] : [parts[0]];
  return letters
    .map((part) => part?.[0] ?? '')
    .join('')
    .toUpperCase();
}

function QualityIndicator({ quality }: { quality: ConnectionQuality }) {
  const bars = qualityBars[quality];
  return (
    <span className={`quality quality-${quality}`} role="img" aria-label={`Connection ${quality}`}>
      {[1, 2, 3].map((bar) => (
        <span key={bar} className={bar <= bars ? 'bar on' : 'bar'} />
      ))}
    </span>
  );
}

interface Props {
  adapter: SfuAdapter;
  participant: ParticipantView;
  source: VideoSource;
  handRaised?: boolean;
  reaction?: ShownReaction | undefined;
  /** Signalling works but media does not arrive: say why on the tile instead of a blank. */
  mediaUnreachable?: boolean;
  path?: ConnectionPath | null;
  /** A host's menu for this participant (features/room/host). */
  menu?: ReactNode;
}

function ReactionBubble({ reaction }: { reaction: ShownReaction }) {
  const kind = reactionKind(reaction.emoji);
  const label = kind?.label ?? reaction.emoji;
  return (
    <span className="tile-reaction" role="img" aria-label={`${reaction.name}: ${label}`}>
      {kind ? <kind.Icon /> : reaction.emoji}
      <span>{label}</span>
    </span>
  );
}

export function ParticipantTile(props: Props) {
  const {
    adapter,
    participant,
    source,
    handRaised = false,
    reaction,
    mediaUnreachable,
    path = null,
    menu,
  } = props;
  const videoRef = useRef<HTMLVideoElement>(null);
  const showVideo = source === 'screen' ? participant.screenSharing : participant.cameraEnabled;
  const { id, videoRevision } = participant;

  useEffect(() => {
    const element = videoRef.current;
    if (!showVideo || !element) return;
    return adapter.attachVideo(id, source, element);
  }, [adapter, id, source, showVideo, videoRevision]);

  const label = participant.isLocal ? `${participant.name} (you)` : participant.name;
  const classes = ['tile', source === 'screen' ? 'tile-screen' : 'tile-camera'];
  if (participant.isSpeaking && source === 'camera') classes.push('speaking');
  return (
    <figure
      className={classes.join(' ')}
      data-participant-id={participant.id}
      data-participant-name={participant.name}
      data-source={source}
      data-local={participant.isLocal}
      data-mic={participant.micEnabled ? 'on' : 'off'}
      data-camera={participant.cameraEnabled ? 'on' : 'off'}
      data-speaking={participant.isSpeaking}
      data-hand={handRaised}
      aria-label={source === 'screen' ? `${participant.name}'s screen` : label}
    >
      <video
        ref={videoRef}
        autoPlay
        playsInline
        muted
        hidden={!showVideo}
        className={participant.isLocal && source === 'camera' ? 'mirrored' : undefined}
      />
      {!showVideo && (
        <div className="avatar" aria-hidden="true">
          {initials(participant.name)}
        </div>
      )}
      {mediaUnreachable && <MediaUnreachableNotice variant="tile" />}
      {source === 'camera' && menu && <div className="tile-menu">{menu}</div>}
      {source === 'camera' && reaction && <ReactionBubble key={reaction.key} reaction={reaction} />}
      <figcaption>
        {source === 'camera' && handRaised && (
          <span className="tile-hand" role="img" aria-label={`${participant.name} raised a hand`}>
            <HandIcon />
          </span>
        )}
        <span className="tile-name">{source === 'screen' ? `${label} · screen` : label}</span>
        {source === 'camera' && !participant.micEnabled && (
          <span className="muted-icon" role="img" aria-label={`${participant.name} is muted`}>
            <MicIcon off />
          </span>
        )}
        {source === 'camera' && (
          <ConnectionPathLabel
            path={path}
            name={participant.name}
            isLocal={participant.isLocal}
          />
        )}
        {source === 'camera' && <QualityIndicator quality={participant.connectionQuality} />}
      </figcaption>
    </figure>
  );
}
