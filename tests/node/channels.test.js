// The official phoenix JavaScript client (Socket, Channel, Presence), unchanged, against the
// Python server: join and replies, heartbeats, chat, presence between two clients, raised
// hands, and what a long-lived tab relies on: rejoin after a server restart with a renewed
// token, and the chat history still there.
import {after, before, test} from "node:test"
import assert from "node:assert/strict"
import {Socket, Presence} from "phoenix"
import WebSocket from "ws"
import {Backend, startLiveKit, stopAll, tempDir} from "./harness.js"

let workdir, backend

before(async () => {
  workdir = tempDir()
  const livekit = await startLiveKit(workdir.dir)
  backend = await new Backend(livekit, workdir.dir).start()
})

after(async () => {
  await stopAll()
  workdir.remove()
})

// Resolves with the first value `probe` returns that is not undefined, polling every 20 ms.
function eventually(probe, what, timeoutMs = 10000){
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs
    const tick = () => {
      let value
      try { value = probe() } catch (error) { return reject(error) }
      if(value !== undefined && value !== false){ return resolve(value) }
      if(Date.now() > deadline){ return reject(new Error(`timed out waiting for ${what}`)) }
      setTimeout(tick, 20)
    }
    tick()
  })
}

function receive(push){
  return new Promise((resolve, reject) => {
    push.receive("ok", resolve)
      .receive("error", response => reject(new Error(`error reply: ${JSON.stringify(response)}`)))
      .receive("timeout", () => reject(new Error("push timed out")))
  })
}

// One participant's browser tab: a phoenix Socket, the room channel joined with a token the
// params function reads at each (re)join, and a Presence kept in sync.
function openTab(roomId, credentials, socketOpts = {}){
  const tab = {
    token: credentials.token,
    replies: [],
    events: [],
    heartbeats: 0,
  }
  tab.socket = new Socket(backend.socketUrl, {
    transport: WebSocket,
    reconnectAfterMs: () => 100,
    rejoinAfterMs: () => 100,
    ...socketOpts,
  })
  tab.socket.onMessage(message => {
    if(message.topic === "phoenix" && message.event === "phx_reply"){ tab.heartbeats++ }
  })
  tab.socket.connect()
  tab.channel = tab.socket.channel(`room:${roomId}`, () => ({token: tab.token}))
  for(const event of ["chat", "hand", "reaction", "room:closed"]){
    tab.channel.on(event, payload => tab.events.push({event, payload}))
  }
  tab.presence = new Presence(tab.channel)
  tab.people = () => {
    const people = {}
    tab.presence.list((id, {metas}) => { people[id] = metas })
    return people
  }
  tab.joined = new Promise((resolve, reject) => {
    tab.channel.join()
      .receive("ok", response => { tab.replies.push(response); resolve(response) })
      .receive("error", response => reject(new Error(JSON.stringify(response))))
  })
  tab.close = () => { tab.channel.leave(); tab.socket.disconnect() }
  return tab
}

test("join, heartbeats, chat round trip and presence between two clients", async () => {
  const host = await backend.post("/api/rooms", {participant_name: "Ada"})
  const guest = await backend.post(`/api/rooms/${host.room_id}/join`, {participant_name: "Grace"})
  const ada = openTab(host.room_id, host, {heartbeatIntervalMs: 100})
  const grace = openTab(host.room_id, guest)
  try {
    const reply = await ada.joined
    assert.equal(reply.participant_id, host.participant_id)
    assert.equal(reply.is_host, true)
    assert.deepEqual(reply.messages, [])
    assert.ok(Date.parse(reply.token_expires_at) > Date.now())
    await grace.joined

    await eventually(() => Object.keys(ada.people()).length === 2, "Ada to see Grace")
    await eventually(() => Object.keys(grace.people()).length === 2, "Grace to see Ada")
    assert.equal(ada.people()[guest.participant_id][0].name, "Grace")
    assert.equal(grace.people()[host.participant_id][0].hand_raised, false)

    // Heartbeats are answered; had they not been, phoenix.js would have closed the socket.
    await eventually(() => ada.heartbeats >= 3, "three heartbeat replies")
    assert.equal(ada.socket.isConnected(), true)

    const sent = await receive(grace.channel.push("chat", {text: "hello from Node"}))
    assert.equal(sent.text, "hello from Node")
    assert.equal(sent.participant_id, guest.participant_id)
    const got = await eventually(() => ada.events.find(e => e.event === "chat"), "the chat")
    assert.deepEqual(got.payload, sent)

    await receive(grace.channel.push("hand", {raised: true}))
    await eventually(
      () => ada.people()[guest.participant_id]?.[0].hand_raised === true, "Grace's raised hand")
    assert.equal(ada.people()[guest.participant_id].length, 1) // updated, not duplicated

    await receive(ada.channel.push("reaction", {emoji: "👏"}))
    await eventually(() => grace.events.find(e => e.event === "reaction"), "the reaction")

    const unknown = ada.channel.push("moonwalk", {})
    const refusal = await new Promise(resolve => unknown.receive("error", resolve))
    assert.equal(refusal.reason, "unknown_event")

    grace.close()
    await eventually(() => Object.keys(ada.people()).length === 1, "Grace's leave")
  } finally {
    ada.close()
    grace.close()
  }
})

test("after a server restart: rejoin with the renewed token, presence and chat history back", async () => {
  const host = await backend.post("/api/rooms", {participant_name: "Ada"})
  const guest = await backend.post(`/api/rooms/${host.room_id}/join`, {participant_name: "Grace"})
  const ada = openTab(host.room_id, host)
  const grace = openTab(host.room_id, guest)
  try {
    await Promise.all([ada.joined, grace.joined])
    const before = await receive(ada.channel.push("chat", {text: "said before the restart"}))

    // What a long-lived tab does: renew its token ahead of expiry; the channel's params
    // function hands the newest one to every rejoin.
    const renewed = await receive(ada.channel.push("renew_token", {}))
    const claims = JSON.parse(Buffer.from(renewed.token.split(".")[1], "base64url").toString())
    assert.equal(claims.sub, host.participant_id)
    assert.equal(claims.video.room, host.room_id)
    assert.ok(Date.parse(renewed.expires_at) >= Date.parse(ada.replies[0].token_expires_at))
    ada.token = renewed.token

    await backend.stop()
    await eventually(() => !ada.socket.isConnected(), "the socket to notice")
    await backend.start()

    await eventually(() => ada.replies.length === 2, "Ada's rejoin", 30000)
    await eventually(() => grace.replies.length === 2, "Grace's rejoin", 30000)
    const history = ada.replies[1].messages
    assert.deepEqual(history.at(-1), before)
    assert.deepEqual(grace.replies[1].messages.at(-1), before)
    await eventually(() => Object.keys(ada.people()).length === 2, "presence after the restart")
    await eventually(() => Object.keys(grace.people()).length === 2, "presence for Grace")

    const after = await receive(grace.channel.push("chat", {text: "and after"}))
    await eventually(() => ada.events.find(e => e.event === "chat" && e.payload.id === after.id),
      "chat after the restart")
  } finally {
    ada.close()
    grace.close()
  }
})

test("the host ends the room: everyone gets room:closed and the channel closes", async () => {
  const host = await backend.post("/api/rooms", {participant_name: "Ada"})
  const guest = await backend.post(`/api/rooms/${host.room_id}/join`, {participant_name: "Grace"})
  const ada = openTab(host.room_id, host)
  const grace = openTab(host.room_id, guest)
  try {
    await Promise.all([ada.joined, grace.joined])
    let closed = false
    grace.channel.onClose(() => { closed = true })
    await receive(ada.channel.push("end_room", {}))
    const event = await eventually(
      () => grace.events.find(e => e.event === "room:closed"), "room:closed")
    assert.equal(event.payload.by, host.participant_id)
    await eventually(() => closed, "Grace's channel to close")
    assert.equal(grace.channel.state, "closed")
  } finally {
    ada.close()
    grace.close()
  }
})
