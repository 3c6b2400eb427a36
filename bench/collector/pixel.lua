-- wrk script: GET /p.gif as the tracker's pixel fallback sends it, with a Chrome User-Agent.
-- VISITORS (environment, default 1): with 1 every request is visitor bench-visitor-0001 (one request,
-- as with `wrk -H`); with N > 1 each request is a visitor drawn at random from bench-visitor-0000 .. N-1.
wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
local prefix = "/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2Flooks%2F1&ref=https%3A%2F%2Fwww.google.com%2F&vid="
wrk.path = prefix .. "bench-visitor-0001"
local visitors = tonumber(os.getenv("VISITORS") or "1")
if visitors > 1 then
  function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  end
  function request()
    return wrk.format(nil, prefix .. string.format("bench-visitor-%04d", math.random(0, visitors - 1)))
  end
end
