import { useEffect, useRef } from 'react';
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
}

export function ParticipantTile({ adapter, participant, source }: Props) {
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
      <figcaption>
        <span className="tile-name">{source === 'screen' ? `${label} · screen` : label}</span>
        {source === 'camera' && !participant.micEnabled && (
          <span className="muted-icon" role="img" aria-label={`${participant.name} is muted`}>
            <MicOffIcon />
          </span>
        )}
        {source === 'camera' && <QualityIndicator quality={participant.connectionQuality} />}
      </figcaption>
    </figure>
  );
}

function MicOffIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
      <path
        fill="currentColor"
        d="M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23c.56-.98.9-2.09.9-3.28zm-4.02.17c0-.06.02-.11.02-.17V5c0-1.66-1.34-3-3-3S9 3.34 9 5v.18l5.98 5.99zM4.27 3 3 4.27l6.01 6.01V11c0 1.66 1.33 3 2.99 3 .22 0 .44-.03.65-.08l1.66 1.66c-.71.33-1.5.52-2.31.52-2.76 0-5.3-2.1-5.3-5.1H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c.91-.13 1.77-.45 2.54-.9L19.73 21 21 19.73 4.27 3z"
      />
    </svg>
  );
}
