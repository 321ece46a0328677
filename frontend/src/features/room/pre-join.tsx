import { type SubmitEvent, useEffect, useRef, useState } from 'react';
import { CameraIcon, MicIcon } from '../../components/icons.tsx';
import { useCaptureTrack } from '../../hooks/use-local-preview.ts';
import { useAudioLevel } from '../../hooks/use-audio-level.ts';
import { useMediaDevices } from '../../hooks/use-media-devices.ts';
import { DeviceProblemNotice } from './media-problems/device-problem-notice.tsx';
import { SecureContextNotice } from './secure-context-notice.tsx';
import { isInsecureForMedia } from './secure-context.ts';

export interface JoinChoice {
  name: string;
  camera: boolean;
  microphone: boolean;
  videoDeviceId?: string;
  audioDeviceId?: string;
  audioOutputId?: string;
}

interface Props {
  initialName: string;
  peopleInRoom: readonly string[];
  joining: boolean;
  onJoin: (choice: JoinChoice) => void;
}

function DeviceSelect(props: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string | undefined;
  onChange: (deviceId: string) => void;
}) {
  if (props.devices.length === 0) return null;
  return (
    <label className="field">
      <span>{props.label}</span>
      <select
        value={props.value ?? props.devices[0]?.deviceId}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
      >
        {props.devices.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${props.label} ${index + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

export function PreJoin({ initialName, peopleInRoom, joining, onJoin }: Props) {
  const [name, setName] = useState(initialName);
  const [camera, setCamera] = useState(true);
  const [microphone, setMicrophone] = useState(true);
  const [videoDeviceId, setVideoDeviceId] = useState<string>();
  const [audioDeviceId, setAudioDeviceId] = useState<string>();
  const [audioOutputId, setAudioOutputId] = useState<string>();
  // While joining, the preview lets go of the devices so the call can take them.
  const video = useCaptureTrack('video', camera && !joining, videoDeviceId);
  const audio = useCaptureTrack('audio', microphone && !joining, audioDeviceId);
  const level = useAudioLevel(audio.track);
  const devices = useMediaDevices(`${String(video.track?.id)}:${String(audio.track?.id)}`);
  const videoRef = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const element = videoRef.current;
    if (!element) return;
    element.srcObject = video.track ? new MediaStream([video.track]) : null;
  }, [video.track]);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    onJoin({
      name: trimmed,
      // A device that failed in the preview would fail again in the call: join without it.
      camera: camera && video.problem === null,
      microphone: microphone && audio.problem === null,
      videoDeviceId,
      audioDeviceId,
      audioOutputId,
    });
  };

  const canPickSpeaker = 'setSinkId' in HTMLMediaElement.prototype;
  return (
    <main className="page prejoin">
      <section className="preview" aria-label="Camera preview">
        <video ref={videoRef} autoPlay playsInline muted className="mirrored" hidden={!video.track} />
        {!video.track && <div className="preview-off">{camera ? 'Starting camera…' : 'Camera is off'}</div>}
        <div className="preview-toggles">
          <button
            type="button"
            aria-pressed={microphone}
            aria-label="Microphone"
            className={microphone ? 'toggle on' : 'toggle off'}
            onClick={() => {
              setMicrophone((on) => !on);
            }}
          >
            <MicIcon off={!microphone} />
            {microphone ? 'Mic on' : 'Mic off'}
          </button>
          <button
            type="button"
            aria-pressed={camera}
            aria-label="Camera"
            className={camera ? 'toggle on' : 'toggle off'}
            onClick={() => {
              setCamera((on) => !on);
            }}
          >
            <CameraIcon off={!camera} />
            {camera ? 'Camera on' : 'Camera off'}
          </button>
        </div>
        <meter
          className="level"
          aria-label="Microphone level"
          min={0}
          max={1}
          value={level}
          hidden={!audio.track}
        />
      </section>
      <form className="card" onSubmit={submit} aria-label="Join the call">
        <h1>Ready to join?</h1>
        <p className="muted">
          {peopleInRoom.length === 0
            ? 'No one else is here yet.'
            : `In the call: ${peopleInRoom.join(', ')}`}
        </p>
        <label className="field">
          <span>Your name</span>
          <input
            name="name"
            value={name}
            maxLength={64}
            required
            autoComplete="name"
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        </label>
        <SecureContextNotice />
        {video.problem && !isInsecureForMedia() && (
          <DeviceProblemNotice device="camera" problem={video.problem} where="prejoin" />
        )}
        {audio.problem && !isInsecureForMedia() && (
          <DeviceProblemNotice device="microphone" problem={audio.problem} where="prejoin" />
        )}
        <DeviceSelect
          label="Camera device"
          devices={devices.videoinput}
          value={videoDeviceId}
          onChange={setVideoDeviceId}
        />
        <DeviceSelect
          label="Microphone device"
          devices={devices.audioinput}
          value={audioDeviceId}
          onChange={setAudioDeviceId}
        />
        {canPickSpeaker && (
          <DeviceSelect
            label="Speaker device"
            devices={devices.audiooutput}
            value={audioOutputId}
            onChange={setAudioOutputId}
          />
        )}
        <button type="submit" className="primary" disabled={joining || !name.trim()}>
          {joining ? 'Joining…' : 'Join'}
        </button>
      </form>
    </main>
  );
}
