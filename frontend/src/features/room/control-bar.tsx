import type { ReactNode } from 'react';
import { CameraIcon, LeaveIcon, LinkIcon, MicIcon, ScreenIcon } from '../../components/icons.tsx';

interface Props {
  micEnabled: boolean;
  cameraEnabled: boolean;
  screenSharing: boolean;
  screenShareSupported: boolean;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onToggleScreen: () => void;
  onCopyLink: () => void;
  onLeave: () => void;
  /** Controls of the realtime channel (hand, reactions, chat, people). */
  children?: ReactNode;
  /** Only for the room's creator. */
  onEndRoom?: (() => void) | undefined;
}

/** The call's controls. Toggles are real buttons with aria-pressed, named by what they control. */
export function ControlBar(props: Props) {
  return (
    <nav className="control-bar" aria-label="Call controls">
      <button
        type="button"
        aria-pressed={props.micEnabled}
        aria-label="Microphone"
        title={`${props.micEnabled ? 'Mute' : 'Unmute'} microphone (M)`}
        className={props.micEnabled ? 'toggle on' : 'toggle off'}
        onClick={props.onToggleMic}
      >
        <MicIcon off={!props.micEnabled} />
        <span className="control-label">{props.micEnabled ? 'Mute' : 'Unmute'}</span>
      </button>
      <button
        type="button"
        aria-pressed={props.cameraEnabled}
        aria-label="Camera"
        title={`Turn camera ${props.cameraEnabled ? 'off' : 'on'} (V)`}
        className={props.cameraEnabled ? 'toggle on' : 'toggle off'}
        onClick={props.onToggleCamera}
      >
        <CameraIcon off={!props.cameraEnabled} />
        <span className="control-label">{props.cameraEnabled ? 'Stop video' : 'Start video'}</span>
      </button>
      {props.screenShareSupported && (
        <button
          type="button"
          aria-pressed={props.screenSharing}
          aria-label="Share screen"
          title={props.screenSharing ? 'Stop sharing' : 'Share your screen'}
          className={props.screenSharing ? 'toggle on' : 'toggle'}
          onClick={props.onToggleScreen}
        >
          <ScreenIcon />
          <span className="control-label">{props.screenSharing ? 'Stop share' : 'Share'}</span>
        </button>
      )}
      {props.children}
      <button type="button" aria-label="Copy invite link" onClick={props.onCopyLink}>
        <LinkIcon />
        <span className="control-label">Invite</span>
      </button>
      <button type="button" aria-label="Leave" className="danger" onClick={props.onLeave}>
        <LeaveIcon />
        <span className="control-label">Leave</span>
      </button>
      {props.onEndRoom && (
        <button type="button" className="danger" onClick={props.onEndRoom}>
          End room for everyone
        </button>
      )}
    </nav>
  );
}
