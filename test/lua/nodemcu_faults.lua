-- nodemcu/mqtt_nodemcu.lua when things go wrong, on the fakes of
-- nodemcu_fakes.lua, each case on a fresh board: send() raising on a dead
-- socket, the link lost with pieces queued, the core raising, a connect that
-- fails or never answers, a dead link during stop(), timer ranges, and an
-- application onClose that raises.
-- Usage: lua nodemcu_faults.lua <bundle> nodemcu/mqtt_nodemcu.lua nodemcu_fakes.lua
-- Prints "FAIL <check>: <why>" lines and
--   SUMMARY version=<_VERSION> checks=<n> failures=<n>

local bundlePath, adapterPath, fakesPath = ...
local F = dofile(fakesPath)
local check = F.check
F.loadCore(bundlePath)
local adapter = dofile(adapterPath)

-- A session on a fresh board; events records onConnect/onClose. `client`
-- fields override the defaults. Returns session, env, events.
local function newSession(opts, client)
  local env = F.newEnv()
  local events = {}
  opts.host = "broker.local"
  opts.client = { clientId = "faults", keepAlive = 60,
    onConnect = function() events[#events + 1] = "connect" end,
    onClose = function(reason) events[#events + 1] = "close " .. reason end }
  for k, v in pairs(client or {}) do opts.client[k] = v end
  return adapter.create(opts, env), env, events
end

-- Starts `session` and completes CONNECT/CONNACK on its socket; returns the socket.
local function connected(session, env)
  session:start()
  local s = env.net.sockets[#env.net.sockets]
  s:emit("connection")
  s:emit("sent")
  s:emit("receive", "\32\2\0\0")
  return s
end

-- lwIP dropped the link, the disconnection event is not delivered yet: an
-- application publish must not raise, and the loss is reported right after.
do
  local session, env, events = newSession({})
  local s = connected(session, env)
  s.dead = true
  local ok, err = pcall(session.client.publish, session.client, "t/a", "1", 1, false)
  check(ok, "publish on a dead socket does not raise", err)
  env.tmr.advance(1)
  check(events[2] == "close CONNECTION_LOST", "failed send reported as lost", events[2])
  check(session.retryTimer.fn ~= nil, "failed send: retry scheduled", session.retryTimer.ms)
  s:emit("disconnection")
  check(#events == 2, "late disconnection event ignored", events[3])
end

-- The same from the "sent" callback: the next piece fails, nothing escapes.
do
  local session, env, events = newSession({})
  local s = connected(session, env)
  session.client:publish("t/a", string.rep("y", 2500), 1, false)
  s.dead = true
  s:emit("sent")
  local attempts = s.attempts
  s:emit("sent")
  check(s.attempts == attempts, "queue dropped after a failed send", s.attempts - attempts)
  env.tmr.advance(1)
  check(events[2] == "close CONNECTION_LOST", "failed send from sent reported as lost", events[2])
end

-- Disconnection while a piece is in flight and more are queued: the queue is
-- dropped, a late "sent" sends nothing.
do
  local session, env, events = newSession({})
  local s = connected(session, env)
  session.client:publish("t/a", string.rep("z", 2500), 1, false)
  s:emit("disconnection")
  check(events[2] == "close CONNECTION_LOST", "lost with pieces queued", events[2])
  local attempts = s.attempts
  s:emit("sent")
  check(s.attempts == attempts, "no send after disconnection", s.attempts - attempts)
end

-- The link drops while stop() lets a long write and DISCONNECT drain: the rest is dropped.
do
  local session, env = newSession({})
  local s = connected(session, env)
  session.client:publish("t/a", string.rep("w", 2500), 1, false)
  session:stop()
  s:emit("disconnection")
  local attempts = s.attempts
  s:emit("sent")
  check(s.attempts == attempts, "no send after the link drops during stop()", s.attempts - attempts)
end

-- The core raises inside onData (it catches its callbacks' errors itself, so
-- only a defect would; simulated here): the connection is dropped and
-- retried, nothing escapes the receive callback.
do
  local session, env, events = newSession({})
  session.client.onData = function() error("core defect") end
  session:start()
  local s = env.net.sockets[1]
  s:emit("connection")
  s:emit("receive", "\32\2\0\0")
  check(s.closed, "core raised: socket closed", s.closed)
  check(events[1] == "close CONNECTION_LOST", "core raised: reported", events[1])
  check(session.retryTimer.fn ~= nil, "core raised: retry scheduled", session.retryTimer.ms)
end

-- The connect fails before "connection": reported, retried after minRetryMs.
do
  local session, env, events = newSession({})
  session:start()
  env.net.sockets[1]:emit("reconnection", -14)
  check(events[1] == "close CONNECTION_LOST", "connect failure reported", events[1])
  check(session.retryTimer.fn ~= nil and session.retryTimer.ms == 1000, "connect failure retried", session.retryTimer.ms)
end

-- Neither "connection" nor "reconnection" ever comes: closed after the client's connectTimeout.
do
  local session, env, events = newSession({}, { connectTimeout = 5000 })
  session:start()
  local s = env.net.sockets[1]
  env.tmr.advance(4999)
  check(not s.closed and #events == 0, "connect still pending", #events)
  env.tmr.advance(1)
  check(s.closed and events[1] == "close CONNECTION_LOST", "connect timeout closes and reports", events[1])
  env.tmr.advance(1000)
  check(#env.net.sockets == 2, "connect timeout retried", #env.net.sockets)
end

-- stop() on a dead link: "sent" never comes for DISCONNECT; the socket is closed after 2 s anyway.
do
  local session, env = newSession({})
  local s = connected(session, env)
  session:stop()
  check(s.sends[#s.sends] == "\224\0" and not s.closed, "DISCONNECT in flight", s.closed)
  env.tmr.advance(1999)
  check(not s.closed, "DISCONNECT given time to leave", s.closed)
  env.tmr.advance(1)
  check(s.closed, "socket closed when DISCONNECT never completes", s.closed)
end

-- Retry delays stay valid tmr intervals: minRetryMs = 0 and a huge maxRetryMs are clamped.
do
  local session, env = newSession({ minRetryMs = 0, maxRetryMs = 1e8 })
  session:start()
  local delays = {}
  for _ = 1, 25 do
    env.net.sockets[#env.net.sockets]:emit("reconnection", -14)
    delays[#delays + 1] = session.retryTimer.ms
    env.tmr.advance(session.retryTimer.ms)
  end
  check(delays[1] == 1 and delays[2] == 2, "minRetryMs 0 retries after 1 ms", delays[1])
  check(delays[25] == 6870947, "retry delay capped at 6870947 ms", delays[25])
end

-- An application onClose that raises: nothing escapes, on any path.
do
  local boom = function() error("app bug") end
  local session, env = newSession({}, { onClose = boom })
  session:start()
  env.net.sockets[1]:emit("reconnection", -14)
  check(session.retryTimer.fn ~= nil, "onClose raised before connect: retry scheduled", session.retryTimer.ms)
  env.tmr.advance(1000)
  local s = env.net.sockets[2]
  s:emit("connection")
  s:emit("disconnection")
  check(session.retryTimer.fn ~= nil, "onClose raised on lost link: retry scheduled", session.retryTimer.ms)
  env.tmr.advance(2000)
  s = env.net.sockets[3]
  s:emit("connection")
  s:emit("receive", "\32\2\0\0")
  local ok, err = pcall(session.stop, session)
  check(ok, "onClose raised on stop(): stop returns", err)
end

F.summary()
