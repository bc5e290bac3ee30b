-- Drives nodemcu/mqtt_nodemcu.lua with the real core (dist/mqtt.lua) on fake
-- NodeMCU `net` and `tmr` modules: scripted socket events, a settable
-- microsecond counter and timers fired by hand.
-- Usage: lua nodemcu_mock.lua dist/mqtt.lua nodemcu/mqtt_nodemcu.lua
-- Prints "FAIL <check>: <why>" lines and
--   SUMMARY version=<_VERSION> checks=<n> failures=<n>

local bundlePath, adapterPath = ...
package.preload["mqtt"] = function() return dofile(bundlePath) end
local adapter = dofile(adapterPath)

local checks, failures = 0, 0
local function check(ok, name, why)
  checks = checks + 1
  if not ok then
    failures = failures + 1
    print("FAIL " .. name .. ": " .. tostring(why))
  end
end

local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

-- Fake tmr: now() in microseconds wraps at 2^31 like the device's.
local tmr = { ALARM_SINGLE = 0, ALARM_AUTO = 1, us = 2147483000, timers = {} }
function tmr.now() return tmr.us % 2147483648 end
function tmr.create()
  local t = {}
  function t:alarm(ms, mode, fn) self.ms, self.mode, self.fn = ms, mode, fn end
  function t:unregister() self.fn = nil end
  tmr.timers[#tmr.timers + 1] = t
  return t
end
-- Advances the clock by ms and fires the timer `t` if armed.
local function fire(t, ms)
  tmr.us = tmr.us + (ms or 0) * 1000
  local fn = t.fn
  if t.mode == tmr.ALARM_SINGLE then t.fn = nil end
  if fn then fn(t) end
end

-- Fake net: records sends and connects; events are raised by the script.
local sockets = {}
local net = { TCP = 1 }
function net.createConnection()
  local s = { handlers = {}, sends = {}, closed = false }
  function s:on(event, fn) self.handlers[event] = fn end
  function s:connect(port, host) self.port, self.host = port, host end
  function s:send(data)
    check(not self.inFlight, "send only after sent", "second send() before the sent callback")
    self.inFlight = true
    self.sends[#self.sends + 1] = data
  end
  function s:close() self.closed = true end
  function s:emit(event, arg)
    if event == "sent" then self.inFlight = false end
    self.handlers[event](self, arg)
  end
  sockets[#sockets + 1] = s
  return s
end

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
}, { net = net, tmr = tmr })
local tickTimer, retryTimer = tmr.timers[1], tmr.timers[2]

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

-- Keepalive: after 60 s of silence the tick (across the tmr.now wrap) sends PINGREQ.
fire(tickTimer, 60000)
check(s1.sends[3] == "\192\0", "PINGREQ after keepAlive", hex(s1.sends[3] or ""))
s1:emit("sent")

-- Link lost: the core reports it, the adapter retries after minRetryMs.
s1:emit("disconnection")
check(events[3] == "close CONNECTION_LOST", "disconnection reported", events[3])
check(retryTimer.fn ~= nil and retryTimer.ms == 1000, "reconnect scheduled after 1 s", retryTimer.ms)
fire(retryTimer, 1000)
local s2 = sockets[2]
check(s2 ~= nil, "new socket on retry", #sockets)

-- Garbage from the broker: PROTOCOL_ERROR closes, next retry waits 2 s.
s2:emit("connection")
s2:emit("receive", "\0\0")
check(events[4] == "close PROTOCOL_ERROR", "bad bytes close the connection", events[4])
check(retryTimer.ms == 2000, "backoff doubles", retryTimer.ms)
s2:emit("sent")
check(s2.closed, "socket closed once drained", s2.closed)
fire(retryTimer, 2000)

-- A clean stop: DISCONNECT leaves before the socket closes, no retry.
local s3 = sockets[3]
s3:emit("connection")
s3:emit("receive", "\32\2\0\0")
check(events[5] == "connect false", "reconnected", events[5])
s3:emit("sent")
session:stop()
check(s3.sends[#s3.sends] == "\224\0", "DISCONNECT written on stop", hex(s3.sends[#s3.sends] or ""))
check(not s3.closed, "socket kept until DISCONNECT is sent", s3.closed)
s3:emit("sent")
check(s3.closed, "socket closed after DISCONNECT", s3.closed)
check(events[6] == "close DISCONNECTED" and retryTimer.fn == nil and tickTimer.fn == nil, "no retry after stop",
  tostring(events[6]))

print(string.format("SUMMARY version=%s checks=%d failures=%d", (_VERSION:gsub(" ", "_")), checks, failures))
