// Driving the app's room page with puppeteer-core, the same way in Firefox and in Chromium:
// CSS selectors on the app's accessible names (aria-label, form names) and the tiles' data
// attributes, and page functions that read what the person sees and what WebRTC receives.

// Counts every RTCPeerConnection the page makes, so a test reads inbound RTP stats whichever
// SFU adapter made the connection.
const TRACK_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})();`

export const TIMEOUT_MS = 20_000

/** A person: a page in a browser context of its own (its own storage, as another browser). */
export async function openPerson(browser, name){
  const context = await browser.createBrowserContext()
  const page = await context.newPage()
  await page.setViewport({width: 1280, height: 720})
  await page.evaluateOnNewDocument(TRACK_PEER_CONNECTIONS)
  page.setDefaultTimeout(TIMEOUT_MS)
  return {name, page, close: () => context.close()}
}

export const tile = (name, source = "camera") =>
  `[data-participant-name="${name}"][data-source="${source}"]`

export const button = label => `button[aria-label="${label}"]`

/** Creates a room from the home page; returns its id (the page is then at /r/:id). */
export async function createRoom(person, appUrl){
  const {page} = person
  await page.goto(`${appUrl}/`)
  await page.locator('form[aria-label="Create a room"] input').fill(person.name)
  await page.locator('form[aria-label="Create a room"] button[type="submit"]').click()
  await page.waitForFunction(() => /\/r\/[A-Za-z0-9_-]+$/.test(location.pathname))
  return page.url().split("/").pop()
}

/** From the pre-join screen: waits for the camera preview to play, then joins. */
export async function join(person){
  const {page} = person
  const form = 'form[aria-label="Join the call"]'
  await page.locator(`${form} input[name="name"]`).fill(person.name)
  await waitUntil(page, () => {
    const video = document.querySelector(".preview video")
    return video !== null && !video.hidden && video.videoWidth > 0
  })
  await page.locator(`${form} button[type="submit"]`).click()
  await page.waitForSelector('nav[aria-label="Call controls"]')
}

/** Waits until `fn(...args)` is truthy in the page (polled, so it may read anything). */
export async function waitUntil(page, fn, ...args){
  return page.waitForFunction(fn, {polling: 200, timeout: TIMEOUT_MS}, ...args)
}

export async function attribute(page, selector, name){
  return page.$eval(selector, (element, key) => element.getAttribute(key), name)
}

export async function waitForAttribute(page, selector, name, value){
  await waitUntil(page, (sel, key, expected) => {
    return document.querySelector(sel)?.getAttribute(key) === expected
  }, selector, name, value)
}

export async function waitForCount(page, selector, count){
  await waitUntil(page, (sel, n) => document.querySelectorAll(sel).length === n, selector, count)
}

/**
 * The video of `name`'s tile as the person sees it: its size and playback position, read twice
 * a second apart. Gecko headless may present no frames to `getVideoPlaybackQuality` even while
 * playing, so "moving" is judged by an advancing currentTime on a video with a size.
 */
export async function videoPlayback(page, name, source = "camera"){
  const selector = `${tile(name, source)} video`
  await waitUntil(page, sel => {
    const video = document.querySelector(sel)
    return video !== null && !video.hidden && video.videoWidth > 0
  }, selector)
  const read = () => page.$eval(selector, video => ({
    width: video.videoWidth,
    height: video.videoHeight,
    time: video.currentTime,
  }))
  const first = await read()
  await new Promise(ok => setTimeout(ok, 1000))
  return {first, second: await read()}
}

/** What the page's peer connections receive: decoded video frames and audio. */
export async function inbound(page){
  return page.evaluate(async () => {
    const out = {videoFrames: 0, audioPackets: 0, audioEnergy: 0, audioSamples: 0}
    for(const pc of window.__pcs){
      if(pc.connectionState === "closed"){ continue }
      const report = await pc.getStats()
      report.forEach(stat => {
        if(stat.type !== "inbound-rtp"){ return }
        if(stat.kind === "video"){ out.videoFrames += stat.framesDecoded || 0 }
        if(stat.kind === "audio"){
          out.audioPackets += stat.packetsReceived || 0
          out.audioEnergy += stat.totalAudioEnergy || 0
          out.audioSamples += stat.totalSamplesReceived || 0
        }
      })
    }
    return out
  })
}

/** Samples `inbound(page)[key]` until positive (within the timeout), then again a second later. */
export async function rising(page, key){
  const deadline = Date.now() + TIMEOUT_MS
  let first = (await inbound(page))[key]
  while(first <= 0 && Date.now() < deadline){
    await new Promise(ok => setTimeout(ok, 250))
    first = (await inbound(page))[key]
  }
  await new Promise(ok => setTimeout(ok, 1000))
  return [first, (await inbound(page))[key]]
}

/** Sends a chat line from the open chat panel (opening it first if it is closed). */
export async function sendChat(page, text){
  if(await page.$('aside[aria-label="Chat"]') === null){
    await page.locator('button[aria-label^="Chat"]').click()
  }
  await page.locator('aside[aria-label="Chat"] textarea[aria-label="Message"], aside[aria-label="Chat"] input[aria-label="Message"]').fill(text)
  await page.locator('aside[aria-label="Chat"] button[type="submit"]').click()
}

export async function chatLines(page){
  return page.$$eval('aside[aria-label="Chat"] .chat-text', lines => lines.map(line => line.textContent))
}

/** Whether the page plays remote audio: some <audio> element has a stream and advances. */
export async function playingAudio(page){
  const read = () => page.$$eval("audio", elements => elements
    .filter(audio => audio.srcObject !== null && !audio.paused)
    .map(audio => audio.currentTime))
  const first = await read()
  await new Promise(ok => setTimeout(ok, 1000))
  const second = await read()
  return second.some((time, index) => first[index] !== undefined && time > first[index])
}

/** The participant id of the person's own tile. */
export async function ownId(page){
  return attribute(page, '[data-local="true"][data-source="camera"]', "data-participant-id")
}

/** The page's peer connections as WebRTC sees them, for a failing test's message. */
export async function peerConnectionStates(page){
  return page.evaluate(async () => Promise.all(window.__pcs.map(async pc => {
    const streams = []
    ;(await pc.getStats()).forEach(stat => {
      if(stat.type !== "inbound-rtp" && stat.type !== "outbound-rtp"){ return }
      const {type, kind, mid, ssrc, bytesReceived, bytesSent, framesDecoded, framesEncoded, pliCount, firCount, nackCount, keyFramesDecoded} = stat
      streams.push({type, kind, mid, ssrc, bytesReceived, bytesSent, framesDecoded, framesEncoded, keyFramesDecoded, pliCount, firCount, nackCount})
    })
    return {connection: pc.connectionState, signaling: pc.signalingState, streams}
  })))
}
