-- GET the first page of /api/v1/incidents filtered by state and group,
-- cycling through every state x group combination.
-- Environment: SERVISTA_TOKEN, SERVISTA_GROUPS (comma-separated group ids).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
require "common"

local token = os.getenv("SERVISTA_TOKEN")
local groups = {}
for id in string.gmatch(os.getenv("SERVISTA_GROUPS") or "1", "[^,]+") do
  table.insert(groups, id)
end
local states = {"new", "in_progress", "on_hold", "resolved", "closed", "cancelled"}
local counter = 0

request = function()
  counter = counter + 1
  local state = states[(counter % #states) + 1]
  local group = groups[(math.floor(counter / #states) % #groups) + 1]
  local path = string.format("/api/v1/incidents?state=%s&assignment_group=%s&limit=25", state, group)
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
