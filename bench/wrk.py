"""Drive a server with wrk and a Lua script that rotates users' tokens; parse its JSON summary."""

import json
import shutil
import subprocess
import tempfile

LUA_TEMPLATE = """
local tokens = {TOKENS}
local users = {USERS}
local method, path, kind = "{METHOD}", "{PATH}", "{KIND}"
local counter = 0
setup = function(thread) thread:set("offset", math.random(1, #tokens)) end
request = function()
  counter = counter + 1
  local i = ((counter + (offset or 0)) % #tokens) + 1
  if kind == "login" then
    return wrk.format("POST", path, {["Content-Type"] = "application/json"},
      '{"username": "' .. users[i] .. '", "password": "tulip harbor quiet lantern"}')
  elseif kind == "create" then
    return wrk.format("POST", path, {["Authorization"] = "Bearer " .. tokens[i],
      ["Content-Type"] = "application/json"}, '{"title": "bench ' .. counter .. '"}')
  elseif kind == "healthz" then
    return wrk.format("GET", path)
  end
  return wrk.format(method, path, {["Authorization"] = "Bearer " .. tokens[i]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON{"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p99_ms": %.2f}\\n', summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def lua_list(items):
    return "{" + ", ".join(f'"{item}"' for item in items) + "}"


def wrk_available():
    return shutil.which("wrk") is not None


def start(base_url, kind, path, tokens, users, seconds=10, connections=16, threads=2, method="GET"):
    """Start wrk in the background; ``finish`` collects its figures."""
    script = LUA_TEMPLATE.replace("{TOKENS}", lua_list(tokens)).replace("{USERS}", lua_list(users))
    script = script.replace("{METHOD}", method).replace("{PATH}", path).replace("{KIND}", kind)
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    handle.write(script)
    handle.close()
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "-s", handle.name, base_url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process):
    """Wait for wrk and return {rps, p50_ms, p99_ms, non2xx, socket_errors}."""
    output, _ = process.communicate(timeout=300)
    line = next((row for row in output.splitlines() if row.startswith("WRKJSON")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    figures = json.loads(line[len("WRKJSON"):])
    figures["rps"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
    return figures


def run(base_url, kind, path, tokens, users, **options):
    """Run one wrk phase to completion."""
    return finish(start(base_url, kind, path, tokens, users, **options))
