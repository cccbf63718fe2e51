-- GET the suggestions for an incident being written: what an agent (or a
-- requester in the portal) has typed so far, half-sentences and full ones,
-- cycling through many symptoms; known errors, articles and open incidents
-- are ranked by similarity against a million incidents.
-- Environment: SERVISTA_TOKEN.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
require "common"

local token = os.getenv("SERVISTA_TOKEN")
local texts = {
  "vpn+keeps+disconnecting", "printer+offline+queue+stuck", "outlook+asks+for+password+again",
  "laptop+battery+drains+within+an+hour", "erp+invoice+posting+error+F5+702",
  "wi-fi+drops+in+meeting+room", "cannot+log+in+to+crm", "payroll+export+to+the+bank+failed",
  "drive+S+is+not+mapped+after+login", "suspicious+email+asking+for+bank+details",
  "second+monitor+not+detected+docking", "excel+freezes+large+workbook",
  "mfa+prompts+not+arriving+new+phone", "backup+job+failed+last+night",
  "desk+phone+no+dial+tone", "access+denied+finance+shared+folder",
}
local counter = 0

request = function()
  counter = counter + 1
  local text = texts[(counter % #texts) + 1]
  local path = "/api/v1/incident-suggestions?text=" .. text
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
