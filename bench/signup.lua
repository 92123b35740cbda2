-- POST /signup with a fresh email each time (prefix BENCH_PREFIX + counter), one cookie+token pair.
local counter = 0
local prefix = os.getenv("BENCH_PREFIX") or tostring(os.time())
local cookie = os.getenv("BENCH_COOKIE")
local token = os.getenv("BENCH_TOKEN")
local password = "plaid-walrus-7391-quiet"

request = function()
   counter = counter + 1
   local body = "csrf_token=" .. token .. "&email=" .. prefix .. "-" .. counter ..
      "%40bench.example.org&password=" .. password
   return wrk.format("POST", "/signup", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie,
   }, body)
end
