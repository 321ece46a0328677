import { useEffect } from 'react';
import { logger } from '../../../services/debug-logger.ts';
import {
  type Device,
  type DeviceProblem,
  deviceProblemText,
  problemCode,
} from '../../../services/device-problems.ts';

/** Why our camera or microphone is off and how to fix it; logged once for /logs. */
export function DeviceProblemNotice(props: {
  device: Device;
  problem: DeviceProblem;
  where: 'prejoin' | 'call';
}) {
  const { device, problem, where } = props;
  useEffect(() => {
    logger.warn(`${device} unavailable: ${problemCode[problem]}`, {
      problem: problemCode[problem],
      device,
      where,
    });
  }, [device, problem, where]);
  return (
    <p className="warning" role="alert" data-problem={problemCode[problem]} data-device={device}>
      {deviceProblemText(device, problem)}
    </p>
  );
}
