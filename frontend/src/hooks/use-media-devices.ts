import { useEffect, useState } from 'react';

export interface DeviceLists {
  audioinput: MediaDeviceInfo[];
  videoinput: MediaDeviceInfo[];
  audiooutput: MediaDeviceInfo[];
}

const empty: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [] };

export function groupDevices(devices: readonly MediaDeviceInfo[]): DeviceLists {
  const lists: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [] };
  for (const device of devices) {
    // Before permission is granted browsers list devices without ids; they cannot be chosen.
    if (device.deviceId) lists[device.kind].push(device);
  }
  return lists;
}

/**
 * The user's cameras, microphones and speakers, kept current when devices are plugged in.
 * `refreshKey` re-reads the list, e.g. after permission is granted and labels appear.
 */
export function useMediaDevices(refreshKey: unknown = null): DeviceLists {
  const [devices, setDevices] = useState<DeviceLists>(empty);
  useEffect(() => {
    const media = navigator.mediaDevices as MediaDevices | undefined;
    if (!media) return;
    let active = true;
    const read = () => {
      media
        .enumerateDevices()
        .then((list) => {
          if (active) setDevices(groupDevices(list));
        })
        .catch(() => undefined);
    };
    read();
    media.addEventListener('devicechange', read);
    return () => {
      active = false;
      media.removeEventListener('devicechange', read);
    };
  }, [refreshKey]);
  return devices;
}
