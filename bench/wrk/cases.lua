-- Rotates over the requests of a case file (one per line: path, then optionally a header
-- name and value, tab-separated), each thread from its own starting point, and prints the
-- summary as one JSON line for bench/bench.py.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local path, name, value = line:match("^([^\t]+)\t?([^\t]*)\t?(.*)$")
    if path then
      local headers = {}
      if name ~= "" then headers[name] = value end
      table.insert(requests, wrk.format("GET", path, headers))
    end
  end
  counter = (id * 7919) % #requests + 1
end

function request()
  local r = requests[counter]
  counter = counter % #requests + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
