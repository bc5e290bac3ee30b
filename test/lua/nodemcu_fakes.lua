-- Fake NodeMCU modules for the adapter tests (nodemcu_mock.lua,
-- nodemcu_faults.lua, nodemcu_example.lua), held to what the NodeMCU docs and
-- firmware enforce: tmr alarm intervals 1..6870947 ms (else it raises),
-- socket send/close raising "not connected" on a dead socket, and no error
-- escaping a callback (on the board that restarts it). Also the check counter
-- the scripts share.
-- Usage: local F = dofile(fakesPath); F.loadCore(bundlePath)

local F = { checks = 0, failures = 0 }

-- A scenario step: counted, so the SUMMARY shows the script ran to its end.
function F.check(ok, name, why)
  F.checks = F.checks + 1
  if not ok then
    F.failures = F.failures + 1
    print("FAIL " .. name .. ": " .. tostring(why))
  end
end

-- A rule the firmware enforces, checked on every call: counted only when
-- broken, so the expected check count does not depend on how often it runs.
function F.rule(ok, name, why)
  if not ok then F.check(false, name, why) end
end

function F.hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

function F.summary()
  print(string.format("SUMMARY version=%s checks=%d failures=%d", (_VERSION:gsub(" ", "_")), F.checks, F.failures))
end

-- Runs a callback the way the firmware does; an error escaping it is a failure.
function F.callback(what, fn, ...)
  local ok, err = pcall(fn, ...)
  F.rule(ok, what .. " callback raised", err)
end

-- Makes the bundle loadable as `mqttcore` on a "board" whose firmware has the
-- C mqtt module: NodeMCU's require returns that ROM table for "mqtt" before
-- looking for files. Returns the builtin.
function F.loadCore(bundlePath)
  local builtin = { Client = function() error("the firmware's C mqtt module") end }
  mqtt = builtin
  package.loaded.mqtt = builtin
  package.preload.mqttcore = function() return dofile(bundlePath) end
  return builtin
end

-- tmr with a settable microsecond clock. ESP8266 (default): tmr.now() wraps
-- at 2^31. esp32 = true: no tmr.now()/tmr.time() (dev-esp32); node.uptime()
-- gives the counter as (low 31 bits, wraps) on an integer build.
-- Returns tmr, node.
function F.newTimers(esp32)
  local tmr = { ALARM_SINGLE = 0, ALARM_AUTO = 1, ALARM_SEMI = 2, us = 2147483000, timers = {} }
  local node = { chipid = function() return 123456 end, heap = function() return 30000 end }
  if esp32 then
    function node.uptime() return tmr.us % 2147483648, math.floor(tmr.us / 2147483648) end
  else
    function tmr.now() return tmr.us % 2147483648 end
    function tmr.time() return math.floor(tmr.us / 1000000) end
  end
  function tmr.create()
    local t = {}
    function t:alarm(ms, mode, fn)
      local ok = type(ms) == "number" and ms == math.floor(ms) and ms >= 1 and ms <= 6870947
      F.rule(ok, "tmr interval in 1..6870947 ms", ms)
      F.rule(type(fn) == "function", "tmr callback is a function", type(fn))
      if not ok then error("Range: 1-6870947") end
      self.ms, self.mode, self.fn, self.due = ms, mode, fn, tmr.us + ms * 1000
      return true
    end
    function t:unregister() self.fn = nil end
    tmr.timers[#tmr.timers + 1] = t
    return t
  end
  -- Moves the clock forward by ms, firing due timers in time order: a single
  -- timer once (disarmed before its callback), an auto one every interval.
  function tmr.advance(ms)
    local target = tmr.us + ms * 1000
    while true do
      local due
      for _, t in ipairs(tmr.timers) do
        if t.fn ~= nil and t.due <= target and (due == nil or t.due < due.due) then due = t end
      end
      if due == nil then break end
      tmr.us = due.due
      local fn = due.fn
      if due.mode == tmr.ALARM_AUTO then due.due = due.due + due.ms * 1000 else due.fn = nil end
      F.callback("tmr", fn, due)
    end
    tmr.us = target
  end
  return tmr, node
end

-- net with scripted sockets: the test raises events with socket:emit(); a
-- socket is dead after "disconnection"/"reconnection" or when the test sets
-- `dead` (lwIP dropped it, the event is not delivered yet).
function F.newNet()
  local net = { TCP = 1, sockets = {} }
  function net.createConnection()
    local s = { handlers = {}, sends = {}, attempts = 0, closed = false, dead = false }
    function s:on(event, fn) self.handlers[event] = fn end
    function s:connect(port, host) self.port, self.host = port, host end
    function s:send(data)
      self.attempts = self.attempts + 1
      if self.dead or self.closed then error("not connected") end
      F.rule(not self.inFlight, "send only after sent", "second send() before the sent callback")
      F.rule(#data > 0, "send has data", "net raises: no data to send")
      self.inFlight = true
      self.sends[#self.sends + 1] = data
    end
    function s:close()
      if self.dead or self.closed then error("not connected") end
      self.closed = true
    end
    function s:emit(event, arg)
      if event == "sent" then self.inFlight = false end
      if event == "disconnection" or event == "reconnection" then self.dead = true end
      local fn = self.handlers[event]
      if fn ~= nil then F.callback(event, fn, self, arg) end
    end
    net.sockets[#net.sockets + 1] = s
    return s
  end
  return net
end

-- A fresh board: { net, tmr, node } for adapter.create's env.
function F.newEnv(esp32)
  local tmr, node = F.newTimers(esp32)
  return { net = F.newNet(), tmr = tmr, node = node }
end

return F
