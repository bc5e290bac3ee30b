-- Runs nodemcu/telemetry_example.lua as a board would, with the fakes of
-- nodemcu_fakes.lua as the globals net, tmr, node, plus fake wifi, sjson and
-- adc: it joins Wi-Fi, connects once it has an IP, and publishes a QoS 1
-- JSON reading every 10 s.
-- Usage: lua nodemcu_example.lua <bundle> nodemcu/mqtt_nodemcu.lua nodemcu_fakes.lua nodemcu/telemetry_example.lua
-- Prints "FAIL <check>: <why>" lines and
--   SUMMARY version=<_VERSION> checks=<n> failures=<n>

local bundlePath, adapterPath, fakesPath, examplePath = ...
local F = dofile(fakesPath)
local check, hex = F.check, F.hex
F.loadCore(bundlePath)
package.preload.mqtt_nodemcu = function() return dofile(adapterPath) end

local env = F.newEnv()
net, tmr, node = env.net, env.tmr, env.node
adc = { read = function(channel) adc.channel = channel return 512 end }
-- Keys sorted so that the payload is predictable (sjson's order is not).
sjson = { encode = function(t)
  local keys, parts = {}, {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do parts[#parts + 1] = string.format("%q:%d", k, t[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end }
wifi = { STATION = 1, eventmon = { STA_GOT_IP = 1, STA_DISCONNECTED = 2 }, handlers = {}, sta = {} }
function wifi.setmode(mode) wifi.mode = mode end
function wifi.sta.config(cfg) wifi.cfg = cfg end
function wifi.eventmon.register(event, fn) wifi.handlers[event] = fn end

dofile(examplePath)
check(wifi.mode == wifi.STATION and wifi.cfg.ssid == "my-ssid", "station configured", wifi.mode)
check(#net.sockets == 0, "no connection before an IP", #net.sockets)

F.callback("wifi", wifi.handlers[wifi.eventmon.STA_GOT_IP], { IP = "192.168.1.50" })
local s = net.sockets[1]
check(s ~= nil and s.host == "192.168.1.10" and s.port == 1883, "connects once it has an IP", #net.sockets)
s:emit("connection")
local connect = s.sends[1] or ""
check(connect:byte(1) == 16 and connect:find("nodemcu-123456", 1, true) and connect:find("status/nodemcu-123456", 1, true),
  "CONNECT with client id and will", hex(connect))
s:emit("sent")
s:emit("receive", "\32\2\0\0")

tmr.advance(10000)
local p = s.sends[2] or ""
check(p:byte(1) == 0x32, "reading published at QoS 1", hex(p))
check(p:find("telemetry/nodemcu-123456", 1, true) and p:find('{"adc":512,"heap":30000,"seq":1,"uptime":', 1, true)
  and adc.channel == 0, "reading topic and payload", p)
s:emit("sent")
-- PUBACK for the packet id after the topic; the next reading carries seq 2.
local idAt = 5 + p:byte(3) * 256 + p:byte(4)
s:emit("receive", "\64\2" .. p:sub(idAt, idAt + 1))
tmr.advance(10000)
check((s.sends[3] or ""):find('"seq":2', 1, true), "next reading 10 s later", s.sends[3])

F.summary()
