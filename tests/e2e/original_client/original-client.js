// The original client's two uses of the API (see index.html). Results go on `window.original`
// for the test to read; nothing here works around the API: a URL livekit-client cannot use,
// or a status word it does not know, is an error the test sees.
(() => {
  const params = new URLSearchParams(location.search);
  const STATUS_WORDS = ['healthy', 'degraded', 'unhealthy', 'unconfigured'];
  const state = { phase: 'starting', error: null, joined: null, remoteTracks: [], statuses: [] };
  window.original = state;

  async function enterCall(name, roomId) {
    const path = roomId ? `/api/rooms/${roomId}/join` : '/api/rooms';
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ participant_name: name }),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const joined = await response.json();
    state.joined = joined;
    const room = new LivekitClient.Room();
    room.on(LivekitClient.RoomEvent.TrackSubscribed, (track, _publication, participant) => {
      const element = track.attach();
      element.dataset.identity = participant.identity;
      element.dataset.kind = track.kind;
      document.getElementById('remote').append(element);
      state.remoteTracks.push({ identity: participant.identity, kind: track.kind });
    });
    state.phase = 'connecting';
    await room.connect(joined.livekit_url, joined.token);
    state.phase = 'connected';
    await room.localParticipant.enableCameraAndMicrophone();
    state.phase = 'publishing';
  }

  function checkStatus(body) {
    const words = [body.overall, ...Object.values(body.services).map((s) => s.status)];
    const unknown = words.filter((word) => !STATUS_WORDS.includes(word));
    if (unknown.length) throw new Error(`unknown status words: ${unknown.join(', ')}`);
  }

  async function pollStatus(intervalMs) {
    state.phase = 'polling';
    for (;;) {
      const response = await fetch('/api/status');
      const body = await response.json();
      checkStatus(body);
      state.statuses.push({
        http: response.status,
        overall: body.overall,
        services: Object.fromEntries(
          Object.entries(body.services).map(([name, service]) => [name, service.status]),
        ),
      });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  const work =
    params.get('mode') === 'status'
      ? pollStatus(Number(params.get('interval_ms') ?? '500'))
      : enterCall(params.get('name') ?? 'Guest', params.get('room'));
  work.catch((error) => {
    state.phase = 'failed';
    state.error = String(error && error.message ? error.message : error);
  });
})();
