import { logger } from '../../../services/debug-logger.ts';
import {
  type Device,
  classifyMediaError,
  deviceProblemText,
  problemCode,
} from '../../../services/device-problems.ts';

/**
 * A camera or microphone turned on in the call that failed: logs the line /logs searches
 * for (as the pre-join screen's) and returns what to tell the participant.
 */
export function reportDeviceFailure(device: Device, error: unknown): string {
  const problem = classifyMediaError(error);
  logger.warn(`${device} unavailable: ${problemCode[problem]}`, {
    problem: problemCode[problem],
    device,
    where: 'call',
    error: String(error),
  });
  return deviceProblemText(device, problem);
}
