// The embedded adapter's media transport, summed up over its publish and subscribe peer
// connections (both to the same SFU address, so both reach it or neither does).
import type { MediaConnection } from '../sfu-adapter.ts';

export function mediaConnectionOf(states: readonly RTCPeerConnectionState[]): MediaConnection {
  if (states.includes('connected')) return 'connected';
  if (states.includes('failed')) return 'failed';
  // "disconnected" is ICE losing a working path for a moment: checking again.
  if (states.includes('connecting') || states.includes('disconnected')) return 'checking';
  return 'idle';
}
