-- NodeMCU host for the portable MQTT core (dist/mqtt.lua, uploaded as mqtt.lua
-- or compiled to mqtt.lc / put in LFS). The core does the protocol; this file
-- gives it what a NodeMCU board has:
--   * a Transport on a `net` (or `tls`) socket: every write goes through one
--     send queue, and the next send() is issued only from the "sent" callback,
--     because NodeMCU does not queue consecutive send() calls;
--   * received chunks handed to client:onData as they come (the core's framer
--     reassembles packets split across "receive" callbacks);
--   * a millisecond clock and a 1 s tick on tmr.create():alarm;
--   * reconnection with exponential backoff after any close.
-- Every call into the core from a callback is protected with pcall: an error
-- escaping a NodeMCU callback restarts the board.
--
-- Usage:
--   local mqttn = require("mqtt_nodemcu")
--   local s = mqttn.create({ host = "192.168.1.10", port = 1883,
--     client = { clientId = "node-1", keepAlive = 60, onConnect = function(sp) end } })
--   s:start()                                  -- after Wi-Fi has an IP
--   s.client:publish("t/x", "payload", 1, false)
-- `client` options are the core's ClientOptions (firmware/mqtt/options.ts).

local core = require("mqtt")

local M = {}

-- tmr.now() counts microseconds in 31 bits and wraps (about every 35 min);
-- the 1 s tick keeps reading it, so a difference modulo 2^31 is exact.
local US_WRAP = 2147483648
-- NodeMCU's TCP send buffer takes about one MSS; larger writes are split.
local MAX_SEND = 1024

-- A monotonic millisecond clock built on tmr.now() deltas.
local function newClock(tmr)
  local lastUs, ms, restUs = tmr.now(), 0, 0
  return function()
    local nowUs = tmr.now()
    restUs = restUs + (nowUs - lastUs) % US_WRAP
    lastUs = nowUs
    local whole = math.floor(restUs / 1000)
    ms = ms + whole
    restUs = restUs - whole * 1000
    return ms
  end
end

-- Transport (firmware/mqtt/transport.ts), one per socket; the core calls
-- its methods with ':'.
local Transport = {}
Transport.__index = Transport

local function newTransport(socket)
  return setmetatable({ socket = socket, queue = {}, head = 1, tail = 1, sending = false, closing = false }, Transport)
end

-- Called from "sent": sends the queue head, or closes once a requested close
-- has let the queue drain (so a final DISCONNECT still leaves).
function Transport:pump()
  if self.sending then return end
  local data = self.queue[self.head]
  if data == nil then
    if self.closing then pcall(self.socket.close, self.socket) end
    return
  end
  self.queue[self.head] = nil
  self.head = self.head + 1
  self.sending = true
  self.socket:send(data)
end

-- Queues `data` (a byte string) in MAX_SEND pieces; false means "buffered"
-- (a send is in flight) or closed.
function Transport:write(data)
  if self.closing then return false end
  local idle = not self.sending
  for i = 1, #data, MAX_SEND do
    self.queue[self.tail] = data:sub(i, i + MAX_SEND - 1)
    self.tail = self.tail + 1
  end
  self:pump()
  return idle
end

-- Idempotent: stops accepting writes and closes the socket once what was
-- already written has been sent. Never calls back into the client.
function Transport:close()
  if self.closing then return end
  self.closing = true
  self:pump()
end

local Session = {}
Session.__index = Session

-- Logs an error raised by the core instead of letting it restart the board.
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
  local transport = newTransport(socket)
  self.transport = transport
  -- The link ended: the socket is gone, or the core raised (its state is then
  -- unknown, so the connection is dropped). Tells the core, which reports
  -- CONNECTION_LOST through closed().
  local function ended(socketGone)
    if socketGone then
      transport.closing, transport.sending = true, true
    else
      transport:close()
    end
    if self.transport ~= transport then return end
    guard(pcall(self.client.onClose, self.client, self.clock()))
    if self.transport == transport then self:closed("CONNECTION_LOST") end
  end
  local function lost() ended(true) end
  socket:on("connection", function()
    if not guard(pcall(self.client.connect, self.client, transport, self.clock())) then ended(false) end
  end)
  socket:on("receive", function(_, chunk)
    if self.transport ~= transport then return end
    if not guard(pcall(self.client.onData, self.client, chunk, self.clock())) then ended(false) end
  end)
  socket:on("sent", function()
    transport.sending = false
    transport:pump()
  end)
  socket:on("disconnection", lost)
  socket:on("reconnection", lost)
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
  if self.userOnClose ~= nil then self.userOnClose(reason, detail) end
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
-- maxRetryMs (60000), client (ClientOptions). env replaces the NodeMCU
-- modules { net, tls, tmr } (tests); default: the globals.
function M.create(opts, env)
  env = env or { net = net, tls = tls, tmr = tmr }
  local self = setmetatable({}, Session)
  self.env = env
  self.host = opts.host
  self.secure = opts.secure == true
  self.port = opts.port or (self.secure and 8883 or 1883)
  self.minRetryMs = opts.minRetryMs or 1000
  self.maxRetryMs = opts.maxRetryMs or 60000
  self.retryMs = self.minRetryMs
  self.stopped = true
  self.clock = newClock(env.tmr)
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
