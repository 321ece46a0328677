// Firefox and Chromium in one call, on LiveKit and on the embedded SFU: the whole app on
// loopback (vr_testkit.serve_e2e: nginx, backend, debug service, a real SFU), Debian's
// firefox-esr over WebDriver BiDi and Chromium over CDP, each with a fake camera and microphone.
import assert from "node:assert/strict"
import {mkdirSync} from "node:fs"
import {join as joinPath, resolve} from "node:path"
import {after, afterEach, before, describe, test} from "node:test"
import {launchChromium, launchFirefox, startPulseAudio, startXvfb} from "./browsers.js"
import {
  attribute, button, chatLines, createRoom, join, openPerson, ownId, peerConnectionStates, playingAudio, rising,
  sendChat, tile, videoPlayback, waitForAttribute, waitForCount, waitUntil,
} from "./room-page.js"
import {startStacks} from "./stack.js"

const PROVIDERS = ["livekit", "embedded"]
const ARTIFACTS = resolve(import.meta.dirname, "..", "..", "..", "test-results", "e2e-firefox")
let stacks, xvfb, pulse, firefox, chromium

before(async () => {
  [stacks, xvfb, pulse] = await Promise.all([startStacks(PROVIDERS), startXvfb(), startPulseAudio()])
  ;[firefox, chromium] = await Promise.all([
    launchFirefox({display: xvfb.display, pulseServer: pulse.server}),
    launchChromium(),
  ])
})

after(async () => {
  await Promise.allSettled([firefox?.close(), chromium?.close()])
  await Promise.allSettled([stacks?.stop(), xvfb?.stop(), pulse?.stop()])
})

async function assertSeesAndHears(viewer, other){
  const {first, second} = await videoPlayback(viewer.page, other.name)
  assert.ok(first.width > 0 && first.height > 0, `${viewer.name} sees no size for ${other.name}`)
  assert.ok(second.time > first.time,
    `${other.name}'s video stands still in ${viewer.name}: ${JSON.stringify([first, second])}`)
  const frames = await rising(viewer.page, "videoFrames")
  assert.ok(frames[1] > frames[0] && frames[0] > 0, `${viewer.name}: decoded frames not rising ${frames}`)
  const packets = await rising(viewer.page, "audioPackets")
  assert.ok(packets[1] > packets[0] && packets[0] > 0, `${viewer.name}: audio packets not rising ${packets}`)
  const samples = await rising(viewer.page, "audioSamples")
  assert.ok(samples[1] > samples[0], `${viewer.name}: no audio decoded ${samples}`)
  assert.ok(await playingAudio(viewer.page), `${viewer.name} plays no remote audio`)
  console.log(`${viewer.name} receives ${other.name}: ${first.width}x${first.height},`
    + ` currentTime ${first.time.toFixed(2)} -> ${second.time.toFixed(2)} s, decoded frames`
    + ` ${frames.join(" -> ")}, audio packets ${packets.join(" -> ")}`)
}

/** The newest `webrtc stats` line of `participantId` in the debug service that passes `check`. */
async function statsLine(debugUrl, participantId, check){
  const deadline = Date.now() + 30_000
  let last = null
  while(Date.now() < deadline){
    const query = new URLSearchParams({q: "webrtc stats", participant_id: participantId, limit: "20"})
    const {logs} = await (await fetch(`${debugUrl}/api/logs?${query}`)).json()
    const lines = logs.filter(line => line.message === "webrtc stats")
    last = lines[0] ?? last
    const good = lines.find(line => check(line.metadata.streams))
    if(good){ return good }
    await new Promise(ok => setTimeout(ok, 1000))
  }
  assert.fail(`no webrtc stats line of ${participantId} passed in 30 s; the newest: ${JSON.stringify(last)}`)
}

/** A failure carries the room's warnings and errors from /logs (both browsers, backend, SFU)
 * and each browser's peer connections with their RTP streams. */
async function withRoomProblems(debugUrl, roomId, people, body){
  try {
    await body()
  } catch(error){
    const query = new URLSearchParams({level: "warn", room_id: roomId ?? "", limit: "50"})
    const lines = await fetch(`${debugUrl}/api/logs?${query}`).then(response => response.json())
      .then(({logs}) => logs.map(line => `${line.service} ${line.level} ${line.message} ${JSON.stringify(line.metadata)}`))
      .catch(reading => [`(could not read /logs: ${reading})`])
    error.message += `\nthe room's warnings and errors in /logs:\n${lines.join("\n")}`
    for(const person of people()){
      const states = await peerConnectionStates(person.page).catch(reading => String(reading))
      error.message += `\n${person.name}'s peer connections: ${JSON.stringify(states)}`
    }
    throw error
  }
}

for(const provider of PROVIDERS){
  describe(`Firefox and Chromium in one call on ${provider}`, () => {
    let app, chrome, fox, roomId
    const check = (name, body) => test(name, () => withRoomProblems(app.debug_url, roomId, () => [chrome, fox].filter(Boolean), body))

    before(async () => {
      app = stacks.stacks[provider]
      chrome = await openPerson(chromium, "Chris")
      fox = await openPerson(firefox, "Fiona")
      roomId = await createRoom(chrome, app.url)
      await join(chrome)
      await fox.page.goto(`${app.url}/r/${roomId}`)
    })

    afterEach(async context => {
      mkdirSync(ARTIFACTS, {recursive: true})
      const name = `${provider}-${context.name}`.replace(/[^A-Za-z0-9-]+/g, "_").slice(0, 80)
      for(const person of [chrome, fox]){
        await person?.page.screenshot({path: joinPath(ARTIFACTS, `${name}-${person.name}.png`)}).catch(() => {})
      }
    })

    after(async () => {
      await Promise.allSettled([chrome?.close(), fox?.close()])
    })

    check("Firefox's pre-join screen plays its camera, moves its microphone meter and lists its devices", async () => {
      const {page} = fox
      await page.waitForSelector('form[aria-label="Join the call"]')
      await waitUntil(page, () => document.querySelector(".preview video")?.videoWidth > 0)
      // The person types their name: Firefox lets the page's audio start from then on, and the
      // microphone meter moves with the fake microphone's tone.
      await page.locator('form[aria-label="Join the call"] input[name="name"]').fill(fox.name)
      await waitUntil(page, () => document.querySelector('meter[aria-label="Microphone level"]')?.value > 0)
      const selects = Object.fromEntries(await page.$$eval("label.field", labels => labels
        .filter(label => label.querySelector("select"))
        .map(label => [label.querySelector("span").textContent, label.querySelectorAll("option").length])))
      assert.ok(selects["Camera device"] >= 1 && selects["Microphone device"] >= 1, JSON.stringify(selects))
      // The camera off and on again in the preview.
      await page.locator(`.preview ${button("Camera")}`).click()
      await page.waitForSelector(".preview-off")
      await page.locator(`.preview ${button("Camera")}`).click()
      await waitUntil(page, () => document.querySelector(".preview video")?.videoWidth > 0)
      await join(fox)
    })

    check("each decodes the other's video and receives its audio", async () => {
      await waitForCount(chrome.page, ".grid .tile", 2)
      await waitForCount(fox.page, ".grid .tile", 2)
      await assertSeesAndHears(chrome, fox)
      await assertSeesAndHears(fox, chrome)
    })

    check("connection quality shows on both tiles in both browsers", async () => {
      // On loopback every path is clean: each tile reaches "excellent" or "good". The scores
      // follow live measurements (LiveKit's from its server, the embedded SFU's from the
      // browser's stats), so a loaded machine may dip them for a moment: polled for a while.
      for(const person of [chrome, fox]){
        const deadline = Date.now() + 45_000
        let labels = []
        while(Date.now() < deadline){
          labels = await person.page.$$eval(".grid .tile figcaption .quality",
            marks => marks.map(mark => mark.getAttribute("aria-label")))
          if(labels.length === 2 && labels.every(label => /^Connection (excellent|good)$/.test(label))){ break }
          await new Promise(ok => setTimeout(ok, 500))
        }
        assert.equal(labels.length, 2, `${person.name}'s tiles show ${JSON.stringify(labels)}`)
        for(const label of labels){
          assert.match(label, /^Connection (excellent|good)$/, `${person.name}'s tiles show ${JSON.stringify(labels)}`)
        }
      }
    })

    check("Firefox's stats lines in /logs carry both directions, sizes, bitrates and the path", async () => {
      const foxId = await ownId(fox.page)
      const chromeId = await ownId(chrome.page)
      // Direct on loopback, no relay: over UDP, or ICE/TCP (LiveKit offers both, and a loaded
      // machine has been seen to select its TCP candidate).
      const flowing = stream => stream.bitrateKbps > 0 && ["udp", "tcp"].includes(stream.path)
        && (stream.kind === "audio" || (stream.width > 0 && stream.height > 0))
      const complete = streams => ["outbound", "inbound"].every(direction => ["audio", "video"].every(kind =>
        streams.some(stream => stream.direction === direction && stream.kind === kind && flowing(stream)
          && stream.participantId === (direction === "outbound" ? foxId : chromeId))))
        && streams.some(stream => stream.roundTripMs !== null)
      const line = await statsLine(app.debug_url, foxId, complete)
      assert.equal(line.metadata.room_id, roomId)
      console.log(`Firefox's stats line: ${JSON.stringify(line.metadata.streams)}`)
    })

    check("Firefox's mute and camera off are seen by Chromium", async () => {
      const foxTile = tile(fox.name)
      await waitForAttribute(chrome.page, foxTile, "data-mic", "on")
      await fox.page.locator(`nav ${button("Microphone")}`).click()
      await waitForAttribute(fox.page, `nav ${button("Microphone")}`, "aria-pressed", "false")
      await waitForAttribute(chrome.page, foxTile, "data-mic", "off")
      await chrome.page.waitForSelector(`${foxTile} [aria-label="${fox.name} is muted"]`)
      await fox.page.locator(`nav ${button("Microphone")}`).click()
      await waitForAttribute(chrome.page, foxTile, "data-mic", "on")

      await fox.page.locator(`nav ${button("Camera")}`).click()
      await waitForAttribute(fox.page, `nav ${button("Camera")}`, "aria-pressed", "false")
      await waitForAttribute(chrome.page, foxTile, "data-camera", "off")
      await chrome.page.waitForSelector(`${foxTile} .avatar`)
      await fox.page.locator(`nav ${button("Camera")}`).click()
      await waitForAttribute(chrome.page, foxTile, "data-camera", "on")
      await assertSeesAndHears(chrome, fox)
    })

    check("Firefox's screen share is seen by Chromium, and ends", async () => {
      await fox.page.locator(`nav ${button("Share screen")}`).click()
      await chrome.page.waitForSelector(`.stage-main ${tile(fox.name, "screen")}`)
      const {first, second} = await videoPlayback(chrome.page, fox.name, "screen")
      assert.ok(second.time > first.time, `the screen share stands still: ${JSON.stringify([first, second])}`)
      console.log(`Chromium sees Firefox's screen at ${second.width}x${second.height}`)
      await fox.page.locator(`nav ${button("Share screen")}`).click()
      await waitForCount(chrome.page, ".stage-main", 0)
    })

    check("chat goes both ways", async () => {
      await sendChat(fox.page, "Hello from Firefox")
      await chrome.page.waitForSelector('button[aria-label="Chat, 1 unread"]')
      await sendChat(chrome.page, "Hello from Chromium")
      const both = ["Hello from Firefox", "Hello from Chromium"]
      for(const person of [chrome, fox]){
        await waitUntil(person.page, expected => {
          const lines = [...document.querySelectorAll('aside[aria-label="Chat"] .chat-text')]
          return JSON.stringify(lines.map(line => line.textContent)) === JSON.stringify(expected)
        }, both)
        assert.deepEqual(await chatLines(person.page), both)
      }
    })

    check("Firefox leaves and rejoins, and both see and hear each other again", async () => {
      await fox.page.locator(`nav ${button("Leave")}`).click()
      await waitUntil(fox.page, () => [...document.querySelectorAll("h1")].some(h => h.textContent === "You left the call"))
      await waitForCount(chrome.page, ".grid .tile", 1)
      await fox.page.locator("button ::-p-text(Rejoin)").click()
      await join(fox)
      await waitForCount(chrome.page, ".grid .tile", 2)
      await waitForCount(fox.page, ".grid .tile", 2)
      await assertSeesAndHears(chrome, fox)
      await assertSeesAndHears(fox, chrome)
      assert.equal(await attribute(chrome.page, tile(fox.name), "data-mic"), "on")
    })
  })
}
