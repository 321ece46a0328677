// Starts the real servers the Node tests talk to: a livekit-server and the Python backend
// (`python -m video_rooms`, which migrates its SQLite database and serves /api and /ws).
// Every process runs in its own process group on loopback and is killed when the tests end.
import {spawn} from "node:child_process"
import {mkdtempSync, openSync, readFileSync, writeFileSync, existsSync, rmSync} from "node:fs"
import {createServer} from "node:net"
import {tmpdir} from "node:os"
import {join, resolve} from "node:path"
import {randomBytes} from "node:crypto"

const REPO = resolve(import.meta.dirname, "..", "..")
const running = new Set()

export function freePort(){
  return new Promise((ok, fail) => {
    const server = createServer()
    server.once("error", fail)
    server.listen(0, "127.0.0.1", () => {
      const {port} = server.address()
      server.close(() => ok(port))
    })
  })
}

function start(name, command, args, {env = {}, logDir}){
  const log = join(logDir, `${name}.log`)
  const out = openSync(log, "a")
  const child = spawn(command, args, {
    cwd: REPO,
    env: {...process.env, ...env},
    stdio: ["ignore", out, out],
    detached: true, // its own process group, so that stopping it stops its children too
  })
  const proc = {name, child, log, exited: new Promise(ok => child.once("exit", ok))}
  running.add(proc)
  proc.exited.then(() => running.delete(proc))
  return proc
}

export async function stop(proc, signal = "SIGTERM"){
  if(proc.child.exitCode !== null || proc.child.signalCode !== null){ return }
  try { process.kill(-proc.child.pid, signal) } catch { return }
  const timer = setTimeout(() => {
    try { process.kill(-proc.child.pid, "SIGKILL") } catch { /* already gone */ }
  }, 10000)
  await proc.exited
  clearTimeout(timer)
}

export async function stopAll(){
  await Promise.all([...running].map(proc => stop(proc)))
}

process.on("exit", () => {
  for(const proc of running){
    try { process.kill(-proc.child.pid, "SIGKILL") } catch { /* already gone */ }
  }
})

async function waitFor(proc, url, timeoutMs = 60000){
  const deadline = Date.now() + timeoutMs
  while(Date.now() < deadline){
    if(proc.child.exitCode !== null){
      throw new Error(`${proc.name} exited early:\n${readFileSync(proc.log, "utf8").slice(-4000)}`)
    }
    try {
      const response = await fetch(url)
      if(response.ok){ return }
    } catch { /* not listening yet */ }
    await new Promise(ok => setTimeout(ok, 100))
  }
  throw new Error(`${proc.name} not ready at ${url}:\n${readFileSync(proc.log, "utf8").slice(-4000)}`)
}

export async function startLiveKit(workdir){
  const binary = join(REPO, ".tools", "bin", "livekit-server")
  if(!existsSync(binary)){ throw new Error("livekit-server missing: run `make setup`") }
  const port = await freePort()
  const tcpPort = await freePort()
  const udpStart = 30000 + Math.floor(Math.random() * 20000)
  const apiKey = "nodekey"
  const apiSecret = randomBytes(32).toString("hex")
  const config = join(workdir, "livekit.yaml")
  writeFileSync(config, [
    `port: ${port}`,
    "bind_addresses: ['127.0.0.1']",
    "rtc:",
    `  tcp_port: ${tcpPort}`,
    `  port_range_start: ${udpStart}`,
    `  port_range_end: ${udpStart + 39}`,
    "  use_external_ip: false",
    "  node_ip: 127.0.0.1",
    "keys:",
    `  ${apiKey}: ${apiSecret}`,
    "",
  ].join("\n"))
  const proc = start("livekit", binary, ["--config", config], {logDir: workdir})
  await waitFor(proc, `http://127.0.0.1:${port}/`)
  return {proc, apiKey, apiSecret, httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`}
}

export class Backend {
  constructor(livekit, workdir, env = {}){
    this.livekit = livekit
    this.workdir = workdir
    this.env = env
    this.port = null
    this.proc = null
  }

  get url(){ return `http://127.0.0.1:${this.port}` }

  get socketUrl(){ return `ws://127.0.0.1:${this.port}/ws` }

  // Starts (or starts again, on the same port and database) the backend process.
  async start(){
    this.port = this.port || await freePort()
    this.proc = start("backend", "uv", ["run", "--no-sync", "python", "-m", "video_rooms"], {
      logDir: this.workdir,
      env: {
        UV_PYTHON_DOWNLOADS: "never",
        HOST: "127.0.0.1",
        PORT: String(this.port),
        DATABASE_URL: `sqlite+aiosqlite:///${join(this.workdir, "rooms.db")}`,
        LIVEKIT_API_KEY: this.livekit.apiKey,
        LIVEKIT_API_SECRET: this.livekit.apiSecret,
        LIVEKIT_URL: this.livekit.httpUrl,
        LIVEKIT_PUBLIC_URL: this.livekit.wsUrl,
        ...this.env,
      },
    })
    await waitFor(this.proc, `${this.url}/api/health`)
    return this
  }

  async stop(){ if(this.proc){ await stop(this.proc) } }

  async post(path, body){
    const response = await fetch(this.url + path, {
      method: "POST",
      headers: {"content-type": "application/json"},
      body: JSON.stringify(body),
    })
    if(!response.ok){ throw new Error(`${path}: ${response.status} ${await response.text()}`) }
    return response.json()
  }
}

export function tempDir(){
  const dir = mkdtempSync(join(tmpdir(), "vr-node-"))
  return {dir, remove: () => rmSync(dir, {recursive: true, force: true})}
}
