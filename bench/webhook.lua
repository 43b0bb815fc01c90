-- wrk script for bench/webhook.py: POST a signed Twilio webhook and report as JSON.
--   wrk -s bench/webhook.lua URL -- SIGNATURE BODY
-- SIGNATURE is X-Twilio-Signature for URL + BODY's parameters (computed in Python:
-- it is the same for every request, since URL and parameters are fixed).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["X-Twilio-Signature"] = args[1]
   wrk.body = args[2]
   non2xx = 0
   statuses = {}
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local non2xx_total = 0
   local codes = {}
   for _, thread in ipairs(threads) do
      non2xx_total = non2xx_total + thread:get("non2xx")
      for code, count in pairs(thread:get("statuses")) do
         table.insert(codes, string.format('"%d": %d', code, count))
      end
   end
   local e = summary.errors
   -- One line of JSON, prefixed so webhook.py can find it in wrk's output.
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
      '"max_us": %d, "mean_us": %.1f, "connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
      '"status_errors": %d, "non2xx": %d, "codes": {%s}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.timeout,
      e.status, non2xx_total, table.concat(codes, ", ")))
end
