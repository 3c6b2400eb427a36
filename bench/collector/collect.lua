-- wrk script: POST /collect with one pageview as JSON, as the tracker sends it (ids minted by the collector).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
wrk.body = '{"site":"clozette-id","type":"pageview","vid":"bench-visitor-0001","url":"https://www.clozette.co.id/looks/1","ref":"https://www.google.com/"}'
