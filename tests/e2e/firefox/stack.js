// The app on loopback for these tests: `python -m vr_testkit.serve_e2e` (the same stack the
// pytest e2e fixtures start) runs one stack per SFU provider until its stdin closes, so a test
// process that dies takes the stacks with it.
import {spawn} from "node:child_process"
import {resolve} from "node:path"
import {createInterface} from "node:readline"

const REPO = resolve(import.meta.dirname, "..", "..", "..")
const START_TIMEOUT_MS = 240_000

/** Starts the stacks of `providers`; resolves with {stacks: {provider: {url, debug_url}}, stop}. */
export function startStacks(providers){
  const child = spawn("uv", ["run", "--locked", "python", "-m", "vr_testkit.serve_e2e", ...providers], {
    cwd: REPO,
    env: {...process.env, UV_PYTHON_DOWNLOADS: "never"},
    stdio: ["pipe", "pipe", "pipe"],
  })
  let stderr = ""
  child.stderr.on("data", chunk => { stderr = (stderr + chunk).slice(-20_000) })
  const exited = new Promise(ok => child.once("exit", ok))
  const stop = async () => {
    child.stdin.end()
    const timer = setTimeout(() => child.kill("SIGTERM"), 30_000)
    await exited
    clearTimeout(timer)
  }
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM")
      fail(new Error(`serve_e2e printed no URLs within ${START_TIMEOUT_MS} ms:\n${stderr}`))
    }, START_TIMEOUT_MS)
    createInterface({input: child.stdout}).once("line", line => {
      clearTimeout(timer)
      ok({...JSON.parse(line), stop})
    })
    exited.then(code => {
      clearTimeout(timer)
      fail(new Error(`serve_e2e exited with ${code}:\n${stderr}`))
    })
  })
}
