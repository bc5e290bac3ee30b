-- A Lua host for the portable MQTT core (dist/mqttcore.lua) on LuaSocket, driven
-- by test/lua/mosquitto.test.ts against a real broker on 127.0.0.1.
--
-- Usage: lua luasocket_host.lua BUNDLE PORT CLIENT_ID TOPIC_OUT FILTER_IN MAX_SECONDS
--
-- What the host gives the core:
--   * a Transport on a LuaSocket TCP socket: write() appends to an output
--     buffer that the loop flushes without blocking (settimeout(0));
--   * every received chunk, as it comes, to client:onData (the core's framer
--     reassembles packets split across reads);
--   * a millisecond clock from socket.gettime() and client:tick / sup:tick
--     every loop turn;
--   * reconnection by the core's own supervisor (mqtt.createSupervisor): its
--     open() callback only records the request, the loop opens the socket
--     and answers sup:onOpen / sup:onOpenFailed (never re-entrantly).
-- The client uses a persistent session (cleanSession false), subscribes to
-- FILTER_IN at QoS 1 once, and publishes what stdin asks for.
--
-- Commands, one per line on stdin (answered before the next is read):
--   pub FROM TO   publish the JSON integers FROM..TO to TOPIC_OUT at QoS 1
--   quit          DISCONNECT and exit
-- stdin closing, or MAX_SECONDS elapsing, also ends the run.
--
-- Machine-readable lines on stdout (parsed by the test):
--   READY | CONNACK sp=<0|1> | SUBACK <filter> <granted> | QUEUED <from> <to> <accepted>
--   PUBDONE <payload> <outcome> | MSG <qos> <topic> <payload> | CLOSED <reason>
--   OPEN_FAILED <error> | ERROR <text> | SUMMARY key=value ...

local bundlePath, port, clientId, topicOut, filterIn, maxSeconds = ...
port = tonumber(port)
maxSeconds = tonumber(maxSeconds)

local socket = require("socket")
local mqtt = dofile(bundlePath)

io.stdout:setvbuf("line")
-- Unbuffered stdin: each read() then takes only what it returns, so a
-- select() on fd 0 never misses a line already pulled into a stdio buffer.
io.stdin:setvbuf("no")

local started = socket.gettime()
local function now() return math.floor((socket.gettime() - started) * 1000) end

local counts = { pubdone = 0, acked = 0, msgs = 0, connacks = 0, closes = 0, openFailures = 0, rejected = 0 }

-- Transport (firmware/mqtt/transport.ts) on one socket; the core calls it with ':'.
local Transport = {}
Transport.__index = Transport

local function newTransport(sock)
  return setmetatable({ sock = sock, out = "", closed = false }, Transport)
end

-- Sends as much of the buffer as the socket takes now; false once the link failed.
function Transport:flush()
  if self.closed or self.out == "" then return not self.closed end
  local last, err, partial = self.sock:send(self.out)
  local sent = last or partial or 0
  self.out = self.out:sub(sent + 1)
  return err == nil or err == "timeout"
end

-- Queues `data`; true when all of it left at once, false when buffered or closed.
function Transport:write(data)
  if self.closed then return false end
  self.out = self.out .. data
  self:flush()
  return self.out == ""
end

-- Idempotent; lets what was written (a final DISCONNECT) leave first, best effort.
function Transport:close()
  if self.closed then return end
  self:flush()
  self.closed = true
  self.sock:close()
end

local transport = nil
local pendingOpen = nil

local client = mqtt.createClient({
  clientId = clientId,
  cleanSession = false,
  keepAlive = 30,
  onConnect = function(sessionPresent)
    counts.connacks = counts.connacks + 1
    print("CONNACK sp=" .. (sessionPresent and "1" or "0"))
  end,
  onClose = function(reason)
    counts.closes = counts.closes + 1
    print("CLOSED " .. reason)
  end,
  onSubscribed = function(filter, granted) print("SUBACK " .. filter .. " " .. granted) end,
  onMessage = function(topic, payload, qos)
    counts.msgs = counts.msgs + 1
    print("MSG " .. qos .. " " .. topic .. " " .. payload)
  end,
  onPublishDone = function(msg, outcome)
    counts.pubdone = counts.pubdone + 1
    if outcome == "acked" then counts.acked = counts.acked + 1 end
    print("PUBDONE " .. msg.payload .. " " .. outcome)
  end,
})

local sup = mqtt.createSupervisor({
  client = client,
  host = "127.0.0.1",
  open = function(address) pendingOpen = address end,
  random = math.random,
  baseDelay = 200,
  maxDelay = 1000,
  openTimeout = 5000,
})

-- Performs the open() the supervisor asked for (loopback: connect is immediate).
local function openPending()
  local address = pendingOpen
  pendingOpen = nil
  local sock = socket.tcp()
  sock:settimeout(2)
  local ok, err = sock:connect(address, port)
  if not ok then
    sock:close()
    counts.openFailures = counts.openFailures + 1
    print("OPEN_FAILED " .. tostring(err))
    return sup:onOpenFailed(tostring(err), now())
  end
  sock:settimeout(0)
  sock:setoption("tcp-nodelay", true)
  transport = newTransport(sock)
  sup:onOpen(transport, now())
end

-- The socket died under the client: tell the core (it reports CONNECTION_LOST).
local function lost()
  local t = transport
  transport = nil
  t:close()
  client:onClose(now())
end

-- Reads what has arrived and hands it to the core; detects a dead link.
local function pollSocket()
  local t = transport
  if t.closed then transport = nil return end
  local data, err, partial = t.sock:receive(4096)
  local chunk = data or partial
  if chunk ~= nil and chunk ~= "" then client:onData(chunk, now()) end
  if transport == t and not t.closed and ((err ~= nil and err ~= "timeout") or not t:flush()) then lost() end
end

-- Publishes JSON integers from..to; prints how many the client accepted.
local function publishRange(from, to)
  local accepted = 0
  for seq = from, to do
    local token = client:publish(topicOut, tostring(seq), 1, false)
    if type(token) == "number" then accepted = accepted + 1 else counts.rejected = counts.rejected + 1 end
  end
  print("QUEUED " .. from .. " " .. to .. " " .. accepted)
end

-- Runs one stdin command; false means stop.
local function command(line)
  if line == nil or line == "quit" then return false end
  local from, to = line:match("^pub (%d+) (%d+)$")
  if from then publishRange(tonumber(from), tonumber(to)) else print("ERROR unknown command " .. line) end
  return true
end

local stdin = { getfd = function() return 0 end, dirty = function() return false end }

-- One loop turn: wait up to 50 ms for the socket or stdin, then drive the core.
local function step()
  local watch = { stdin }
  if transport ~= nil then watch[2] = transport.sock end
  local readable = socket.select(watch, nil, 0.05)
  if readable[stdin] and not command(io.stdin:read("*l")) then return false end
  if transport ~= nil then pollSocket() end
  if pendingOpen ~= nil then openPending() end
  client:tick(now())
  sup:tick(now())
  return true
end

client:subscribe(filterIn, 1, nil)
sup:start(now())
print("READY")
while socket.gettime() - started < maxSeconds do
  local ok, running = pcall(step)
  if not ok then print("ERROR " .. tostring(running)) break end
  if not running then break end
end
client:disconnect()
if transport ~= nil then transport:close() end
local s = client.stats
print("SUMMARY version=" .. (_VERSION:gsub(" ", "")) .. " acked=" .. counts.acked .. " pubdone=" .. counts.pubdone ..
  " msgs=" .. counts.msgs .. " connacks=" .. counts.connacks .. " closes=" .. counts.closes ..
  " openFailures=" .. counts.openFailures .. " rejected=" .. counts.rejected ..
  " reconnects=" .. s.reconnects .. " published=" .. s.published)
