// When this tab started joining its room, so that the call's first remote frame and first audio
// can be timed from the click that asked for them (the call view opens only after connecting).

let startedAt: number | null = null;

export function markJoinStarted(now = performance.now()): void {
  startedAt = now;
}

export function joinStartedAt(): number | null {
  return startedAt;
}
