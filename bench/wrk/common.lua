-- Shared by the wrk scripts: count answers by status and print a JSON
-- summary (throughput, latency percentiles in ms, non-2xx answers) at the end.
local statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  status_counts = {}
end

function response(status, headers, body)
  status_counts[status] = (status_counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local non2xx = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("status_counts")
    for status, n in pairs(counts) do
      by_status[status] = (by_status[status] or 0) + n
      if status < 200 or status > 299 then non2xx = non2xx + n end
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "per_second": %.1f, "non_2xx": %d, ' ..
    '"socket_errors": %d, "latency_ms": {"p50": %.2f, "p90": %.2f, "p95": %.2f, "p99": %.2f, ' ..
    '"max": %.2f, "mean": %.2f}, "statuses": {%s}}\n',
    summary.requests, seconds, summary.requests / seconds, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    table.concat(parts, ", ")))
end
