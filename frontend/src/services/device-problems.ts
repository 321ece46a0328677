// Why a camera or microphone could not be used, from getUserMedia's error, in words a
// participant can act on. Shared by the pre-join preview and both SFU adapters (which capture
// again when the call starts), so the page says the same thing wherever a device fails.

export type DeviceProblem = 'denied' | 'missing' | 'busy' | 'unsupported' | 'failed';

export type Device = 'camera' | 'microphone';

export function classifyMediaError(error: unknown): DeviceProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    // DeviceUnsupportedError: livekit-client's name for "this browser has no getUserMedia here".
    case 'TypeError':
    case 'DeviceUnsupportedError':
      return 'unsupported';
    default:
      return 'failed';
  }
}

/** The `problem` field of the /logs line, one word per cause an operator searches for. */
export const problemCode: Record<DeviceProblem, string> = {
  denied: 'permission_denied',
  missing: 'no_device',
  busy: 'device_busy',
  unsupported: 'device_unsupported',
  failed: 'device_failed',
};

const deviceName: Record<Device, string> = { camera: 'camera', microphone: 'microphone' };

/** One sentence saying what went wrong with `device` and what to do about it. */
export function deviceProblemText(device: Device, problem: DeviceProblem): string {
  const name = deviceName[device];
  const Name = name.charAt(0).toUpperCase() + name.slice(1);
  switch (problem) {
    case 'denied':
      return `${Name}: permission was denied. To allow it, click the ${name} or lock icon at the left of the address bar, choose Allow, then reload the page; or join without it.`;
    case 'missing':
      return `${Name}: no ${name} was found. Connect one (or enable it in your system settings) and reload the page; you can still join without it.`;
    case 'busy':
      return `${Name}: it is in use by another application. Close that application and reload the page.`;
    case 'unsupported':
      return `${Name}: this browser cannot use it here (camera and microphone need https or localhost).`;
    case 'failed':
      return `${Name}: it could not be started. Check it works in another application and reload the page.`;
  }
}

/** What a failed start of camera and microphone means for each (the first error per device). */
export function deviceProblemsOf(
  failures: readonly { device: Device; error: unknown }[],
): Partial<Record<Device, DeviceProblem>> {
  const problems: Partial<Record<Device, DeviceProblem>> = {};
  for (const { device, error } of failures) problems[device] ??= classifyMediaError(error);
  return problems;
}
