-- NodeMCU host for the portable MQTT core (dist/mqttcore.lua, uploaded as
-- mqttcore.lua or compiled to mqttcore.lc / put in LFS). Not "mqtt": for that
-- name NodeMCU's require returns the firmware's built-in C mqtt module.
-- The core does the protocol; this file gives it what a NodeMCU board has:
--   * a Transport on a `net` (or `tls`) socket: every write goes through one
--     send queue, and the next send() is issued only from the "sent" callback,
--     because NodeMCU does not queue consecutive send() calls;
--   * received chunks handed to client:onData as they come (the core's framer
--     reassembles packets split across "receive" callbacks);
--   * a millisecond clock and a 1 s tick on tmr.create():alarm;
--   * reconnection with exponential backoff after any close or connect timeout.
-- Every call into the core or the application from a callback is protected
-- with pcall: an error escaping a NodeMCU callback restarts the board.
--
-- Usage:
--   local mqttn = require("mqtt_nodemcu")
--   local s = mqttn.create({ host = "192.168.1.10", port = 1883,
--     client = { clientId = "node-1", keepAlive = 60, onConnect = function(sp) end } })
--   s:start()                                  -- after Wi-Fi has an IP
--   s.client:publish("t/x", "payload", 1, false)
-- `client` options are the core's ClientOptions (firmware/mqtt/options.ts).

local core = require("mqttcore")

local M = {}

-- The microsecond counter wraps at 2^31 (about every 35 min); the 1 s tick
-- keeps reading it, so a difference modulo 2^31 is exact.
local US_WRAP = 2147483648
-- NodeMCU's TCP send buffer takes about one MSS; larger writes are split.
local MAX_SEND = 1024
-- tmr alarm intervals outside 1..6870947 ms raise (NodeMCU tmr docs).
local TMR_MAX_MS = 6870947
-- How long a final DISCONNECT may take to leave: on a dead link "sent" never
-- comes, and an ESP8266 has only a handful of TCP connections to spare.
local DRAIN_MS = 2000
local DISCONNECT = "\224\0"

-- `ms` as a valid tmr interval.
local function tmrMs(ms)
  return math.max(1, math.min(math.floor(ms), TMR_MAX_MS))
end

-- Microseconds since boot, first 31 bits: tmr.now() on ESP8266; the ESP32
-- (dev-esp32) tmr has no now(), node.uptime() gives the counter instead.
local function microseconds(env)
  if env.tmr.now ~= nil then return env.tmr.now end
  local uptime = env.node.uptime
  return function() return (uptime()) end
end

-- A monotonic millisecond clock built on microsecond deltas.
local function newClock(env)
  local now = microseconds(env)
  local lastUs, ms, restUs = now(), 0, 0
  return function()
    local nowUs = now()
    restUs = restUs + (nowUs - lastUs) % US_WRAP
    lastUs = nowUs
    local whole = math.floor(restUs / 1000)
    ms = ms + whole
    restUs = restUs - whole * 1000
    return ms
  end
end

-- Transport (firmware/mqtt/transport.ts), one per socket; the core calls
-- its methods with ':'. `timer` (one-shot) bounds the TCP connect, then the
-- final drain, or reports a failed send through `lost`.
local Transport = {}
Transport.__index = Transport

local function newTransport(socket, timer, single)
  return setmetatable({ socket = socket, timer = timer, single = single, queue = {}, head = 1, tail = 1,
    sending = false, closing = false, closed = false, drain = false }, Transport)
end

-- Drops what is queued and closes the socket now, once. net raises "not
-- connected" once lwIP has freed the connection, hence pcall.
function Transport:shut()
  if self.closed then return end
  self.closed, self.closing = true, true
  self.queue, self.head, self.tail = {}, 1, 1
  self.timer:unregister()
  pcall(self.socket.close, self.socket)
end

-- Sends the queue head, or closes once a DISCONNECT has drained. send()
-- raises "not connected" when lwIP dropped the link before the disconnection
-- event is delivered: the transport shuts, and a timer reports the loss
-- (the core must not be called back from inside write).
function Transport:pump()
  if self.sending then return end
  local data = self.queue[self.head]
  if data == nil then
    if self.closing then self:shut() end
    return
  end
  self.queue[self.head] = nil
  self.head = self.head + 1
  self.sending = true
  if not pcall(self.socket.send, self.socket, data) then
    self:shut()
    self.timer:alarm(1, self.single, self.lost)
  end
end

-- Queues `data` (a byte string) in MAX_SEND pieces; false means "buffered"
-- (a send is in flight) or closed.
function Transport:write(data)
  if self.closing then return false end
  -- The core writes DISCONNECT right before close() [MQTT-3.14.4-1]: close() lets it leave.
  if data == DISCONNECT then self.drain = true end
  local idle = not self.sending
  for i = 1, #data, MAX_SEND do
    self.queue[self.tail] = data:sub(i, i + MAX_SEND - 1)
    self.tail = self.tail + 1
  end
  self:pump()
  return idle
end

-- Idempotent; never calls back into the client. Closes at once, unless a
-- DISCONNECT is in flight: then once it is sent, or after DRAIN_MS.
function Transport:close()
  if self.closing then return end
  self.closing = true
  if not (self.drain and self.sending) then return self:shut() end
  self.timer:alarm(DRAIN_MS, self.single, function() self:shut() end)
end

local Session = {}
Session.__index = Session

-- Logs an error raised by the core or the application instead of letting it
-- restart the board.
local function guard(ok, err)
  if not ok then print("mqtt_nodemcu: " .. tostring(err)) end
  return ok
end

-- Backoff before the next attempt: doubles from minRetryMs up to maxRetryMs.
function Session:scheduleReconnect()
  if self.stopped then return end
  local delay = self.retryMs
  self.retryMs = math.min(self.retryMs * 2, self.maxRetryMs)
  self.retryTimer:alarm(delay, self.env.tmr.ALARM_SINGLE, function() self:open() end)
end

-- Opens a socket; on "connection" the core writes CONNECT.
function Session:open()
  if self.stopped or self.transport ~= nil then return end
  local env = self.env
  local socket = self.secure and env.tls.createConnection() or env.net.createConnection(env.net.TCP, 0)
  local timer = env.tmr.create()
  local transport = newTransport(socket, timer, env.tmr.ALARM_SINGLE)
  self.transport = transport
  -- The link ended: the socket is gone, the core raised (its state is then
  -- unknown), or the connect timed out. Tells the core, which reports
  -- CONNECTION_LOST through closed(); before CONNECT it reports nothing.
  local function ended()
    transport:shut()
    if self.transport ~= transport then return end
    guard(pcall(self.client.onClose, self.client, self.clock()))
    if self.transport == transport then self:closed("CONNECTION_LOST") end
  end
  transport.lost = ended
  -- Neither "connection" nor "reconnection" may ever come (e.g. no route).
  timer:alarm(self.connectTimeoutMs, env.tmr.ALARM_SINGLE, ended)
  socket:on("connection", function()
    if self.transport ~= transport then return end
    timer:unregister()
    if not guard(pcall(self.client.connect, self.client, transport, self.clock())) then ended() end
  end)
  socket:on("receive", function(_, chunk)
    if self.transport ~= transport then return end
    if not guard(pcall(self.client.onData, self.client, chunk, self.clock())) then ended() end
  end)
  socket:on("sent", function()
    transport.sending = false
    transport:pump()
  end)
  socket:on("disconnection", ended)
  socket:on("reconnection", ended)
  socket:connect(self.port, self.host)
end

-- Called by the core (through options.onClose) once per ended connection.
-- Retries unless disconnect() was asked.
function Session:closed(reason, detail)
  local transport = self.transport
  if transport == nil then return end
  self.transport = nil
  transport:close()
  if reason ~= "DISCONNECTED" then self:scheduleReconnect() end
  if self.userOnClose ~= nil then guard(pcall(self.userOnClose, reason, detail)) end
end

-- Starts connecting (call once the station has an IP) and the 1 s tick.
function Session:start()
  self.stopped = false
  self.tickTimer:alarm(1000, self.env.tmr.ALARM_AUTO, function()
    guard(pcall(self.client.tick, self.client, self.clock()))
  end)
  self:open()
end

-- Sends DISCONNECT if connected, stops timers and reconnection.
function Session:stop()
  self.stopped = true
  self.tickTimer:unregister()
  self.retryTimer:unregister()
  guard(pcall(self.client.disconnect, self.client))
  if self.transport ~= nil then self:closed("DISCONNECTED") end
end

-- Creates a session. opts: host, port (default 1883, or 8883 with secure),
-- secure (tls module; ESP8266 builds may lack it), minRetryMs (1000),
-- maxRetryMs (60000), client (ClientOptions; its connectTimeout, 10000 ms,
-- also bounds the TCP connect). env replaces the NodeMCU modules
-- { net, tls, tmr, node } (tests); default: the globals.
function M.create(opts, env)
  env = env or { net = net, tls = tls, tmr = tmr, node = node }
  local self = setmetatable({}, Session)
  self.env = env
  self.host = opts.host
  self.secure = opts.secure == true
  self.port = opts.port or (self.secure and 8883 or 1883)
  self.minRetryMs = tmrMs(opts.minRetryMs or 1000)
  self.maxRetryMs = tmrMs(opts.maxRetryMs or 60000)
  self.connectTimeoutMs = tmrMs(opts.client.connectTimeout or 10000)
  self.retryMs = self.minRetryMs
  self.stopped = true
  self.clock = newClock(env)
  self.tickTimer = env.tmr.create()
  self.retryTimer = env.tmr.create()
  self.transport = nil
  local clientOptions = {}
  for k, v in pairs(opts.client) do clientOptions[k] = v end
  self.userOnClose = opts.client.onClose
  local userOnConnect = opts.client.onConnect
  clientOptions.onClose = function(reason, detail) self:closed(reason, detail) end
  clientOptions.onConnect = function(sessionPresent)
    self.retryMs = self.minRetryMs
    if userOnConnect ~= nil then userOnConnect(sessionPresent) end
  end
  self.client = core.createClient(clientOptions)
  return self
end

return M
