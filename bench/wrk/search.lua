-- GET the first page of /api/v1/incidents?q=..., cycling through searches an
-- agent types: common words (tens of thousands of matches in a million),
-- two-word searches, rare codes and prefixes, some with an open-state filter.
-- Environment: SERVISTA_TOKEN.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
require "common"

local token = os.getenv("SERVISTA_TOKEN")
local searches = {
  "laptop", "printer+offline", "vpn", "outlook+password", "F5+702", "wi-fi+4B",
  "backup", "erp+invoice", "passw", "J-0311", "docking+station", "payroll+export",
  "laptop&state=new", "vpn&state=in_progress", "printer&open=true", "crm+slow&open=true",
}
local counter = 0

request = function()
  counter = counter + 1
  local q = searches[(counter % #searches) + 1]
  local path = "/api/v1/incidents?limit=25&q=" .. q
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
