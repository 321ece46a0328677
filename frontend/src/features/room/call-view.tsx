import { useEffect, useMemo, useRef, useState } from 'react';
import type { DisconnectReason, SfuAdapter } from '../../adapters/sfu-adapter.ts';
import { useElementSize } from '../../hooks/use-element-size.ts';
import { useKeyboardShortcuts } from '../../hooks/use-keyboard-shortcuts.ts';
import { useSfuRoom } from '../../hooks/use-sfu-room.ts';
import { useRoomChannel } from '../../hooks/use-room-channel.ts';
import { useStatsReporter } from '../../hooks/use-stats-reporter.ts';
import { logger } from '../../services/debug-logger.ts';
import type { Device } from '../../services/device-problems.ts';
import type { StoredCredentials } from '../../services/session-store.ts';
import { type SidePanel, ChannelControls } from './channel-controls.tsx';
import { ChatPanel } from './chat-panel.tsx';
import { ControlBar } from './control-bar.tsx';
import { EndRoomDialog } from './end-room-dialog.tsx';
import { gridLayout } from './grid-layout.ts';
import { CallProblems } from './media-problems/call-problems.tsx';
import { reportDeviceFailure } from './media-problems/report-device-failure.ts';
import { useMediaUnreachable } from './media-problems/use-media-reachability.ts';
import { pathsByParticipant, tilePaths } from './connection-paths.ts';
import { ParticipantTile } from './participant-tile.tsx';
import { PeoplePanel } from './people-panel.tsx';
import { Announcements, MutedNotice } from './host/host-notices.tsx';
import { useHostUi } from './host/use-host-ui.tsx';
import { LobbyNotice, LobbySwitch } from './lobby/lobby-notice.tsx';
import { useLobby } from './lobby/use-lobby.ts';
import { inviteLink } from './secure-context.ts';
import { useHttpsUrl } from './use-https-url.ts';
import './room-panels.css';

interface Props {
  adapter: SfuAdapter;
  roomId: string;
  credentials: StoredCredentials;
  onLeave: () => void;
  onDisconnected: (reason: DisconnectReason) => void;
  /** The host ended the room; `byMe` when this tab is the host that did. */
  onHostEnded: (byMe: boolean) => void;
  onTokenRenewed: (token: string) => void;
  rejoinForToken: (name: string) => Promise<string>;
}

const screenShareSupported =
  'mediaDevices' in navigator && typeof navigator.mediaDevices.getDisplayMedia === 'function';

export function CallView(props: Props) {
  const { adapter, roomId, credentials, onLeave, onDisconnected, onHostEnded } = props;
  const room = useSfuRoom(adapter);
  const { channel, state: live } = useRoomChannel({
    roomId,
    token: credentials.token,
    onToken: props.onTokenRenewed,
    refreshToken: () => props.rejoinForToken(credentials.participant_name),
  });
  const lobby = useLobby(channel, live.isHost);
  const [panel, setPanel] = useState<SidePanel>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  // The SFU may drop this tab before the channel's room:closed arrives: remember who ended it.
  const endedByMe = useRef(false);
  const size = useElementSize(gridRef);
  const local = room.participants.find((participant) => participant.isLocal);
  const sharer = room.participants.find((participant) => participant.screenSharing);

  const streamStats = useStatsReporter(adapter, room.connectionState === 'connected');
  const measured = useMemo(() => pathsByParticipant(streamStats), [streamStats]);
  const ownPath = local ? measured.get(local.id) : undefined;
  const paths = useMemo(() => tilePaths(measured, local?.id, live.people), [measured, local?.id, live.people]);
  const unreachable = useMediaUnreachable(adapter);
  const httpsUrl = useHttpsUrl(window.location.protocol !== 'https:');

  useEffect(() => {
    if (room.connectionState !== 'disconnected' || room.disconnectReason === 'left') return;
    if (room.disconnectReason === 'room_closed' && endedByMe.current) onHostEnded(true);
    else onDisconnected(room.disconnectReason ?? 'lost');
  }, [room.connectionState, room.disconnectReason, onDisconnected, onHostEnded]);

  useEffect(() => {
    if (!channel || !ownPath || live.status !== 'joined') return;
    channel.announcePath(ownPath).catch((error: unknown) => {
      logger.warn('announcing the connection path failed', { error: String(error) });
    });
  }, [channel, ownPath, live.status]);

  useEffect(() => {
    channel?.setChatOpen(panel === 'chat');
  }, [channel, panel]);

  useEffect(() => {
    if (live.status === 'closed') onHostEnded(endedByMe.current);
    if (live.status === 'removed') onDisconnected('kicked');
  }, [live.status, onHostEnded, onDisconnected]);

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
  const runDevice = (device: Device, action: () => Promise<void>) => {
    action().catch((error: unknown) => {
      setNotice(reportDeviceFailure(device, error));
    });
  };
  const ownId = live.participantId ?? credentials.participant_id;
  const host = useHostUi({ channel, live, ownId, participants: room.participants, onError: setNotice });
  const toggleMic = () => {
    if (host.mutedMe?.source === 'microphone') host.dismissMuted();
    runDevice('microphone', () => adapter.setMicrophoneEnabled(!local?.micEnabled));
  };
  const toggleCamera = () => {
    if (host.mutedMe?.source === 'camera') host.dismissMuted();
    runDevice('camera', () => adapter.setCameraEnabled(!local?.cameraEnabled));
  };
  const toggleScreen = () => {
    run('screen share', () => adapter.setScreenShareEnabled(!local?.screenSharing));
  };
  const copyLink = () => {
    const link = inviteLink(roomId, window.location, httpsUrl);
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

  const raised = new Set(live.people.filter((person) => person.handRaised).map((person) => person.id));
  const toggleHand = () => {
    if (channel) run('change your hand', () => channel.setHand(!raised.has(ownId)));
  };
  const react = (emoji: string) => {
    if (channel) run('send the reaction', () => channel.react(emoji));
  };
  const endRoom = () => {
    setConfirmEnd(false);
    endedByMe.current = true;
    if (!channel) return;
    run('end the room', () =>
      channel.endRoom().catch((error: unknown) => {
        endedByMe.current = false;
        throw error;
      }),
    );
  };

  useKeyboardShortcuts({ m: toggleMic, v: toggleCamera, h: toggleHand });

  const cameraTiles = room.participants.map((participant) => (
    <ParticipantTile
      key={participant.id}
      adapter={adapter}
      participant={participant}
      source="camera"
      mediaUnreachable={unreachable && !participant.isLocal}
      handRaised={raised.has(participant.id)}
      reaction={live.reactions.findLast((shown) => shown.participantId === participant.id)}
      path={paths.get(participant.id) ?? null}
      menu={host.menuFor(participant.id, participant.name)}
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
      <CallProblems mediaUnreachable={unreachable} deviceProblems={room.deviceProblems} />
      {live.isHost && <LobbyNotice lobby={lobby} />}
      {host.mutedMe && (
        <MutedNotice
          muted={host.mutedMe}
          onTurnOn={host.mutedMe.source === 'camera' ? toggleCamera : toggleMic}
          onDismiss={host.dismissMuted}
        />
      )}
      {room.error && (
        <div className="banner warning" role="alert">
          {room.error}
        </div>
      )}
      <div className="call-body">
        <div ref={gridRef} className="call-main">
        {sharer ? (
        <div className="stage">
          <div className="stage-main">
            <ParticipantTile
              adapter={adapter}
              participant={sharer}
              source="screen"
              mediaUnreachable={unreachable && !sharer.isLocal}
            />
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
        {panel === 'chat' && channel && (
          <ChatPanel
            messages={live.messages}
            ownId={ownId}
            onSend={(text) => channel.sendChat(text)}
            onClose={() => {
              setPanel(null);
            }}
          />
        )}
        {panel === 'people' && (
          <PeoplePanel
            people={live.people}
            ownId={ownId}
            roles={live.roles}
            hostControls={host.roomControls(<LobbySwitch lobby={lobby} />)}
            menuFor={(person) => host.menuFor(person.id, person.name)}
            onClose={() => {
              setPanel(null);
            }}
          />
        )}
      </div>
      {confirmEnd && (
        <EndRoomDialog
          onConfirm={endRoom}
          onCancel={() => {
            setConfirmEnd(false);
          }}
        />
      )}
      <Announcements items={host.announcements} />
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
        onEndRoom={
          live.isHost
            ? () => {
                setConfirmEnd(true);
              }
            : undefined
        }
      >
        <ChannelControls
          handRaised={raised.has(ownId)}
          unread={live.unread}
          peopleCount={live.people.length}
          panel={panel}
          onToggleHand={toggleHand}
          onReact={react}
          onTogglePanel={(which) => {
            setPanel((open) => (open === which ? null : which));
          }}
        />
      </ControlBar>
    </div>
  );
}
