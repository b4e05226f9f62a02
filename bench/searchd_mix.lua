-- wrk script: a realistic mix of queries against gongwen-searchd's JSON API.
--   wrk -t2 -c16 -d10s --latency -s bench/searchd_mix.lua http://127.0.0.1:8080
-- Queries cycle through: short and long Han words, Traditional spellings, quoted phrases,
-- two-word ANDs, a negation, a year, a filter; each request asks for one page of 10 hits
-- with snippets and facets, as the page does.
local queries = {
  "高质量发展", "机关党建", "發展", "党建", "政治", "模范机关", "\"機關黨建\"", "发展 党建",
  "思想政治工作", "基层", "2022年", "机关", "服务中心大局", "党员", "守正创新",
  "高质量发展 -疫情", "乡村振兴", "营商环境", "作风建设", "理论武装", "党组织", "习近平",
  "组织部", "干部", "创新", "群众", "落实", "建设", "工作", "学习",
}
-- GW_BENCH_PARAMS (e.g. "&facets=false") is appended to every request.
local extra = os.getenv("GW_BENCH_PARAMS") or ""
-- GW_BENCH_QUERIES=FILE: one query per line (bench/searchd_queries.py writes a Zipf mix).
local file = os.getenv("GW_BENCH_QUERIES")
if file and file ~= "" then
  queries = {}
  for line in io.lines(file) do
    if line ~= "" then queries[#queries + 1] = line end
  end
end
local paths = {}
for i, q in ipairs(queries) do
  local enc = q:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)
  paths[i] = "/search?q=" .. enc .. extra
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non-200: %d  p50 %.2f ms  p99 %.2f ms\n",
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
