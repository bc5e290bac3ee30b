-- Drives nodemcu/mqtt_nodemcu.lua with the real core (dist/mqttcore.lua) on
-- the fake NodeMCU modules of nodemcu_fakes.lua: the normal life of a session.
-- Usage: lua nodemcu_mock.lua <bundle> nodemcu/mqtt_nodemcu.lua nodemcu_fakes.lua
-- Prints "FAIL <check>: <why>" lines and
--   SUMMARY version=<_VERSION> checks=<n> failures=<n>

local bundlePath, adapterPath, fakesPath = ...
local F = dofile(fakesPath)
local check, hex = F.check, F.hex
local builtin = F.loadCore(bundlePath)
local adapter = dofile(adapterPath)
check(package.loaded.mqtt == builtin and package.loaded.mqttcore.createClient ~= nil,
  "the core loads as mqttcore next to the firmware's mqtt module", tostring(package.loaded.mqttcore))

local env = F.newEnv()
local tmr, sockets = env.tmr, env.net.sockets
local events = {}
local session = adapter.create({
  host = "broker.local",
  client = {
    clientId = "nodemcu-test",
    keepAlive = 60,
    onConnect = function(sp) events[#events + 1] = "connect " .. tostring(sp) end,
    onClose = function(reason) events[#events + 1] = "close " .. reason end,
    onPublishDone = function(msg, outcome) events[#events + 1] = "done " .. msg.topic .. " " .. outcome end,
  },
}, env)
local retryTimer = session.retryTimer

session:start()
local s1 = sockets[1]
check(s1 ~= nil and s1.port == 1883 and s1.host == "broker.local", "connect", "port/host")
s1:emit("connection")
check(#s1.sends == 1 and s1.sends[1]:byte(1) == 16, "CONNECT written on connection", hex(s1.sends[1] or ""))

-- CONNACK split across two receive callbacks: the framer reassembles it.
s1:emit("receive", "\32\2")
check(#events == 0, "no CONNACK from half a packet", events[1])
s1:emit("receive", "\0\0")
check(events[1] == "connect false", "CONNACK accepted", events[1])

local token = session.client:publish("t/seq", "1", 1, false)
check(type(token) == "number" and token > 0, "publish accepted", token)
check(#s1.sends == 1, "PUBLISH waits for the sent callback", #s1.sends)
s1:emit("sent")
check(#s1.sends == 2 and s1.sends[2] == "\50\10\0\5t/seq\0\1" .. "1", "PUBLISH sent after sent", hex(s1.sends[2] or ""))
s1:emit("sent")

-- PUBACK one byte per receive callback.
for _, b in ipairs({ "\64", "\2", "\0", "\1" }) do s1:emit("receive", b) end
check(events[2] == "done t/seq acked", "PUBACK completes the message", events[2])

-- Keepalive: after 60 s of silence the 1 s tick (across the tmr.now wrap) sends PINGREQ.
tmr.advance(59000)
check(#s1.sends == 2, "no PINGREQ before keepAlive", #s1.sends)
tmr.advance(1000)
check(s1.sends[3] == "\192\0", "PINGREQ after keepAlive", hex(s1.sends[3] or ""))
s1:emit("sent")

-- A write larger than MAX_SEND leaves in 1024-byte pieces, one per "sent".
local big = string.rep("x", 2500)
session.client:publish("t/big", big, 1, false)
local packet = "\50\205\19\0\5t/big\0\2" .. big -- remaining length 2509
check(#s1.sends == 4 and #s1.sends[4] == 1024, "first 1024-byte piece", #(s1.sends[4] or ""))
s1:emit("sent")
check(#s1.sends == 5 and #s1.sends[5] == 1024, "second 1024-byte piece", #(s1.sends[5] or ""))
s1:emit("sent")
check(#s1.sends == 6 and s1.sends[4] .. s1.sends[5] .. s1.sends[6] == packet, "last piece completes the PUBLISH",
  #(s1.sends[6] or ""))
s1:emit("sent")
s1:emit("receive", "\64\2\0\2")
check(events[3] == "done t/big acked", "large PUBLISH acknowledged", events[3])

-- Link lost: the core reports it, the adapter retries after minRetryMs.
s1:emit("disconnection")
check(events[4] == "close CONNECTION_LOST", "disconnection reported", events[4])
check(retryTimer.fn ~= nil and retryTimer.ms == 1000, "reconnect scheduled after 1 s", retryTimer.ms)
tmr.advance(1000)
local s2 = sockets[2]
check(s2 ~= nil, "new socket on retry", #sockets)

-- Garbage from the broker: PROTOCOL_ERROR closes at once (CONNECT still in
-- flight: only a DISCONNECT is waited for); the next retry waits 2 s.
s2:emit("connection")
s2:emit("receive", "\0\0")
check(events[5] == "close PROTOCOL_ERROR", "bad bytes close the connection", events[5])
check(s2.closed, "socket closed at once", s2.closed)
check(retryTimer.ms == 2000, "backoff doubles", retryTimer.ms)
tmr.advance(2000)

-- A clean stop: DISCONNECT leaves before the socket closes, no retry.
local s3 = sockets[3]
s3:emit("connection")
s3:emit("receive", "\32\2\0\0")
check(events[6] == "connect false", "reconnected", events[6])
s3:emit("sent")
session:stop()
check(s3.sends[#s3.sends] == "\224\0", "DISCONNECT written on stop", hex(s3.sends[#s3.sends] or ""))
check(not s3.closed, "socket kept until DISCONNECT is sent", s3.closed)
s3:emit("sent")
check(s3.closed, "socket closed after DISCONNECT", s3.closed)
check(events[7] == "close DISCONNECTED" and retryTimer.fn == nil and session.tickTimer.fn == nil,
  "no retry after stop", tostring(events[7]))

-- ESP32 (dev-esp32): no tmr.now(); the clock runs on node.uptime(), also across its 31-bit wrap.
local esp = F.newEnv(true)
local espSession = adapter.create({ host = "broker.local", client = { clientId = "esp32", keepAlive = 10 } }, esp)
espSession:start()
local e1 = esp.net.sockets[1]
e1:emit("connection")
e1:emit("receive", "\32\2\0\0")
e1:emit("sent")
esp.tmr.advance(9000)
check(#e1.sends == 1, "ESP32: no PINGREQ before keepAlive", #e1.sends)
esp.tmr.advance(1000)
check(e1.sends[2] == "\192\0", "ESP32: PINGREQ after keepAlive on node.uptime()", hex(e1.sends[2] or ""))

F.summary()
