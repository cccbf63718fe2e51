-- POST /api/v1/incidents with varied, realistic bodies.
-- Environment: SERVISTA_TOKEN (bearer token of an agent).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
require "common"

local token = os.getenv("SERVISTA_TOKEN")
local subjects = {
  "VPN disconnects every few minutes", "Cannot open shared mailbox",
  "Printer on floor 3 prints blank pages", "ERP invoice screen times out",
  "Laptop does not wake from sleep", "Wi-Fi drops in meeting room B",
  "Password reset link expired", "Teams calls have no audio",
}
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format(
    '{"short_description": "%s (%d)", "description": "Reported during load test.", ' ..
    '"impact": %d, "urgency": %d}',
    subjects[(counter % #subjects) + 1], counter, (counter % 3) + 1, (math.floor(counter / 3) % 3) + 1)
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
