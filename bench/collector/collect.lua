-- wrk script: POST /collect with one pageview as JSON, as the tracker sends it (ids minted by the collector).
-- VISITORS (environment, default 1): with 1 every request is visitor bench-visitor-0001 (the body is built once);
-- with N > 1 each request is a visitor drawn at random from bench-visitor-0000 .. N-1 (built per request).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
local function body(vid)
  return '{"site":"clozette-id","type":"pageview","vid":"' .. vid .. '","url":"https://www.clozette.co.id/looks/1","ref":"https://www.google.com/"}'
end
wrk.body = body("bench-visitor-0001")
local visitors = tonumber(os.getenv("VISITORS") or "1")
if visitors > 1 then
  function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  end
  function request()
    return wrk.format(nil, nil, nil, body(string.format("bench-visitor-%04d", math.random(0, visitors - 1))))
  end
end
