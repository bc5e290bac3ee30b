-- NodeMCU (ESP8266 firmware with net, tmr, wifi, sjson, adc modules)
-- telemetry node: joins Wi-Fi, connects to the broker, and publishes a QoS 1
-- JSON reading with a sequence number every INTERVAL_MS. Readings taken while
-- offline wait in the core's outbox (bounded; the oldest is dropped first)
-- and leave once the broker is back; with cleanSession=false the broker also
-- keeps unacknowledged QoS 1 messages across reconnections [MQTT 4.4].
-- Files on the board: mqttcore.lua (dist/mqttcore.lua, or LFS), mqtt_nodemcu.lua,
-- this file (run it from init.lua: dofile("telemetry_example.lua")).
-- ESP8266 only: the ESP32 firmware's wifi, tmr and adc APIs differ
-- (mqtt_nodemcu.lua itself runs on both).

local WIFI_SSID = "my-ssid"
local WIFI_PASSWORD = "my-password"
local BROKER_HOST = "192.168.1.10"
local BROKER_PORT = 1883
local INTERVAL_MS = 10000

local mqttn = require("mqtt_nodemcu")

local nodeId = "nodemcu-" .. node.chipid()
local topic = "telemetry/" .. nodeId
local seq = 0

local session = mqttn.create({
  host = BROKER_HOST,
  port = BROKER_PORT,
  client = {
    clientId = nodeId,
    cleanSession = false,
    keepAlive = 60,
    maxMessages = 20,
    maxBytes = 2048,
    -- Last will: the broker publishes "offline" if the node vanishes [MQTT 3.1.2.5].
    will = { topic = "status/" .. nodeId, payload = "offline", qos = 1, retain = true },
    onConnect = function(sessionPresent)
      print("mqtt: connected, session present: " .. tostring(sessionPresent))
    end,
    onClose = function(reason, detail)
      print("mqtt: closed: " .. reason .. (detail and (" " .. detail) or ""))
    end,
    onPublishDone = function(msg, outcome)
      if outcome ~= "acked" then print("mqtt: " .. msg.topic .. " " .. outcome) end
    end,
  },
})

-- One reading. sjson.encode may raise on bad input and publish calls back
-- into onPublishDone: both are protected, since an error escaping this timer
-- callback restarts the board.
local function sample()
  seq = seq + 1
  local ok, result = pcall(sjson.encode, {
    seq = seq,
    uptime = tmr.time(),
    heap = node.heap(),
    adc = adc.read(0),
  })
  if ok then ok, result = pcall(session.client.publish, session.client, topic, result, 1, false) end
  if not ok or type(result) == "string" then print("telemetry: reading not sent: " .. tostring(result)) end
end

local started = false
wifi.eventmon.register(wifi.eventmon.STA_GOT_IP, function(info)
  print("wifi: got IP " .. info.IP)
  if not started then
    started = true
    session:start()
  end
end)
wifi.eventmon.register(wifi.eventmon.STA_DISCONNECTED, function(info)
  -- The station reconnects by itself (auto = true); the MQTT session retries with backoff.
  print("wifi: disconnected, reason " .. tostring(info.reason))
end)

wifi.setmode(wifi.STATION)
wifi.sta.config({ ssid = WIFI_SSID, pwd = WIFI_PASSWORD, auto = true, save = false })

tmr.create():alarm(INTERVAL_MS, tmr.ALARM_AUTO, sample)
