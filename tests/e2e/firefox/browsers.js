// The two browsers of a mixed call: Debian's firefox-esr over WebDriver BiDi and Chromium over
// CDP, both driven by puppeteer-core, both headless with fake cameras and microphones.
// Firefox runs against an Xvfb display of its own: headless Gecko has no screen to capture
// otherwise (getDisplayMedia fails with NotFoundError); with a display it shares
// "Primary Monitor" without a picker. It plays to a PulseAudio null sink of its own: without a
// sound server Gecko's AudioContext never leaves "suspended", so no microphone meter moves.
import {spawn} from "node:child_process"
import {existsSync, mkdtempSync, rmSync} from "node:fs"
import {tmpdir} from "node:os"
import {join} from "node:path"
import puppeteer from "puppeteer-core"

export const FIREFOX = "/usr/bin/firefox-esr"
export const CHROMIUM = "/usr/bin/chromium"

const FIREFOX_PREFS = {
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  "media.peerconnection.ice.loopback": true,
}

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--auto-select-desktop-capture-source=Entire screen",
  "--autoplay-policy=no-user-gesture-required",
]

/** An X server on a free display number (Xvfb picks it and writes it to fd 3). */
export function startXvfb(){
  const child = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x720x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  })
  let stderr = ""
  child.stderr.on("data", chunk => { stderr += chunk })
  return new Promise((ok, fail) => {
    let out = ""
    child.stdio[3].on("data", chunk => {
      out += chunk
      if(out.includes("\n")){
        const display = `:${out.trim()}`
        ok({display, stop: () => stopChild(child)})
      }
    })
    child.once("exit", code => fail(new Error(`Xvfb exited with ${code}: ${stderr}`)))
  })
}

/** A PulseAudio server with one null sink, in a runtime directory of its own. */
export async function startPulseAudio(){
  const dir = mkdtempSync(join(tmpdir(), "vr-pulse-"))
  const child = spawn("pulseaudio", [
    "--daemonize=no", "--exit-idle-time=-1", "-n", "--disallow-exit",
    "--load=module-null-sink sink_name=null",
    "--load=module-native-protocol-unix",
  ], {env: {...process.env, XDG_RUNTIME_DIR: dir}, stdio: ["ignore", "ignore", "pipe"]})
  let stderr = ""
  child.stderr.on("data", chunk => { stderr = (stderr + chunk).slice(-4000) })
  const socket = join(dir, "pulse", "native")
  const deadline = Date.now() + 20_000
  while(!existsSync(socket)){
    if(child.exitCode !== null || Date.now() > deadline){
      child.kill("SIGKILL")
      throw new Error(`pulseaudio did not start: ${stderr}`)
    }
    await new Promise(ok => setTimeout(ok, 100))
  }
  return {
    server: `unix:${socket}`,
    stop: async () => {
      await stopChild(child)
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

function stopChild(child){
  if(child.exitCode !== null || child.signalCode !== null){ return Promise.resolve() }
  const exited = new Promise(ok => child.once("exit", ok))
  child.kill("SIGTERM")
  return exited
}

export function launchFirefox({display, pulseServer}){
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    env: {...process.env, DISPLAY: display, PULSE_SERVER: pulseServer},
    protocolTimeout: 60_000,
  })
}

export function launchChromium(){
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    protocolTimeout: 60_000,
  })
}
