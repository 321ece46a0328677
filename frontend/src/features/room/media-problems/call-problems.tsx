import type { RoomSnapshot } from '../../../adapters/sfu-adapter.ts';
import type { Device } from '../../../services/device-problems.ts';
import { DeviceProblemNotice } from './device-problem-notice.tsx';
import { MediaUnreachableNotice } from './media-unreachable-notice.tsx';

const devices: readonly Device[] = ['camera', 'microphone'];

/** The call's connection details: why media does not flow, when it does not. */
export function CallProblems(props: {
  mediaUnreachable: boolean;
  deviceProblems: RoomSnapshot['deviceProblems'];
}) {
  const problems = devices.flatMap((device) => {
    const problem = props.deviceProblems[device];
    return problem ? [{ device, problem }] : [];
  });
  if (!props.mediaUnreachable && problems.length === 0) return null;
  return (
    <section className="banner warning connection-details" aria-label="Connection details">
      {props.mediaUnreachable && <MediaUnreachableNotice variant="details" />}
      {problems.map(({ device, problem }) => (
        <DeviceProblemNotice key={device} device={device} problem={problem} where="call" />
      ))}
    </section>
  );
}
