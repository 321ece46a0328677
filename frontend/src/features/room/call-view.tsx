import { useEffect, useRef, useState } from 'react';
import type { DisconnectReason, SfuAdapter } from '../../adapters/sfu-adapter.ts';
import { useElementSize } from '../../hooks/use-element-size.ts';
import { useKeyboardShortcuts } from '../../hooks/use-keyboard-shortcuts.ts';
import { useSfuRoom } from '../../hooks/use-sfu-room.ts';
import { useStatsReporter } from '../../hooks/use-stats-reporter.ts';
import { logger } from '../../services/debug-logger.ts';
import { ControlBar } from './control-bar.tsx';
import { gridLayout } from './grid-layout.ts';
import { ParticipantTile } from './participant-tile.tsx';

interface Props {
  adapter: SfuAdapter;
  roomId: string;
  onLeave: () => void;
  onDisconnected: (reason: DisconnectReason) => void;
}

const screenShareSupported =
  'mediaDevices' in navigator && typeof navigator.mediaDevices.getDisplayMedia === 'function';

export function CallView({ adapter, roomId, onLeave, onDisconnected }: Props) {
  const room = useSfuRoom(adapter);
  const [notice, setNotice] = useState<string | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(gridRef);
  const local = room.participants.find((participant) => participant.isLocal);
  const sharer = room.participants.find((participant) => participant.screenSharing);

  useStatsReporter(adapter, room.connectionState === 'connected');

  useEffect(() => {
    if (room.connectionState === 'disconnected' && room.disconnectReason !== 'left') {
      onDisconnected(room.disconnectReason ?? 'lost');
    }
  }, [room.connectionState, room.disconnectReason, onDisconnected]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => {
      setNotice(null);
    }, 4000);
    return () => {
      clearTimeout(timer);
    };
  }, [notice]);

  const run = (what: string, action: () => Promise<void>) => {
    action().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(`${what} failed`, { error: message });
      // Cancelling the screen picker is a choice, not an error worth a message.
      if (!(error instanceof Error && error.name === 'NotAllowedError' && what === 'screen share')) {
        setNotice(`Could not ${what}: ${message}`);
      }
    });
  };
  const toggleMic = () => {
    run('change the microphone', () => adapter.setMicrophoneEnabled(!local?.micEnabled));
  };
  const toggleCamera = () => {
    run('change the camera', () => adapter.setCameraEnabled(!local?.cameraEnabled));
  };
  const toggleScreen = () => {
    run('screen share', () => adapter.setScreenShareEnabled(!local?.screenSharing));
  };
  const copyLink = () => {
    const link = `${window.location.origin}/r/${roomId}`;
    // The Clipboard API exists only in secure contexts (https or localhost).
    if (typeof navigator.clipboard === 'undefined') {
      setNotice(`Share this link: ${link}`);
      return;
    }
    navigator.clipboard.writeText(link).then(
      () => {
        setNotice('Invite link copied');
      },
      () => {
        setNotice(`Share this link: ${link}`);
      },
    );
  };

  useKeyboardShortcuts({ m: toggleMic, v: toggleCamera });

  const cameraTiles = room.participants.map((participant) => (
    <ParticipantTile
      key={participant.id}
      adapter={adapter}
      participant={participant}
      source="camera"
    />
  ));
  const shape = gridLayout(room.participants.length, size.width, size.height);

  return (
    <div className="call">
      {room.connectionState === 'reconnecting' && (
        <div className="banner warning" role="status">
          Reconnecting…
        </div>
      )}
      {!room.canPlayAudio && (
        <div className="banner" role="status">
          Your browser blocked the sound.{' '}
          <button
            type="button"
            className="primary"
            onClick={() => {
              run('start audio', () => adapter.startAudio());
            }}
          >
            Start audio
          </button>
        </div>
      )}
      {room.error && (
        <div className="banner warning" role="alert">
          {room.error}
        </div>
      )}
      <div ref={gridRef} className="call-body">
        {sharer ? (
        <div className="stage">
          <div className="stage-main">
            <ParticipantTile adapter={adapter} participant={sharer} source="screen" />
          </div>
          <div className="stage-strip">{cameraTiles}</div>
        </div>
      ) : (
        <div
          className="grid"
          style={{
            gridTemplateColumns: `repeat(${shape.columns}, minmax(0, 1fr))`,
            gridTemplateRows: `repeat(${shape.rows}, minmax(0, 1fr))`,
          }}
        >
          {cameraTiles}
        </div>
        )}
      </div>
      {notice && (
        <div className="toast" role="status">
          {notice}
        </div>
      )}
      <ControlBar
        micEnabled={local?.micEnabled ?? false}
        cameraEnabled={local?.cameraEnabled ?? false}
        screenSharing={local?.screenSharing ?? false}
        screenShareSupported={screenShareSupported}
        onToggleMic={toggleMic}
        onToggleCamera={toggleCamera}
        onToggleScreen={toggleScreen}
        onCopyLink={copyLink}
        onLeave={onLeave}
      />
    </div>
  );
}
