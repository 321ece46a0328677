import { describe, expect, it } from 'vitest';
import { emptyLobby, fromServer, withRequest, withoutRequests } from './lobby-requests.ts';

describe("the hosts' lobby state", () => {
  it('adds a request once, oldest first, and drops decided ones', () => {
    let state = withRequest(emptyLobby, { id: 'a', name: 'Bob' });
    state = withRequest(state, { id: 'b', name: 'Cy' });
    state = withRequest(state, { id: 'a', name: 'Bob' });
    expect(state.requests.map((r) => r.name)).toEqual(['Bob', 'Cy']);
    expect(withoutRequests(state, ['a']).requests).toEqual([{ id: 'b', name: 'Cy' }]);
  });

  it("reads the server's view and refuses what is not one", () => {
    expect(
      fromServer({ enabled: true, requests: [{ id: 'a', name: 'Bob', created_at: 'x' }, { id: 3 }] }),
    ).toEqual({ enabled: true, requests: [{ id: 'a', name: 'Bob' }] });
    expect(fromServer({ requests: [] })).toBeNull();
    expect(fromServer(null)).toBeNull();
  });
});
