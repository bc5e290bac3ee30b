-- Runs the codec fixture tables against the Lua build of the MQTT core.
-- Usage: lua driver.lua dist/mqttcore.lua fixtures.lua
--   fixtures.lua returns { errorMaxPacketSize = n, fixtures = {...}, errorFixtures = {...} }
--   (generated from test/fixtures/packets.ts by test/lua/lua-fixtures.ts).
-- For every fixture: encodePacket(packet) == bytes; the framer decodes bytes
-- pushed whole, split in two, and one byte at a time, to exactly the
-- expected packet (split points come with each fixture: f.splits). For
-- every error fixture the framer stops with its code and no packet, pushed
-- whole, split in two at every point (empty halves included), one byte at a
-- time, and after a valid PINGRESP in the same chunk (that packet first), as
-- in test/mqtt/errors.test.ts.
-- Prints one "FAIL <name>: <why>" line per failed check, then the summary
--   SUMMARY version=<_VERSION> fixtures=<n> errorFixtures=<n> checks=<n> failures=<n>
-- which test/lua/*.test.ts parses. Never stops at the first failure.

local bundlePath, fixturePath = ...
local mqtt = dofile(bundlePath)
local data = dofile(fixturePath)

-- Largest remaining length [MQTT 2.2.3]: the framer limit for valid fixtures.
local MAX_REMAINING_LENGTH = 268435455

local checks, failures = 0, 0

local function check(ok, name, why)
  checks = checks + 1
  if not ok then
    failures = failures + 1
    print("FAIL " .. name .. ": " .. why)
  end
end

-- Printable form of a value, keys sorted so that messages are stable.
local function show(v)
  if type(v) == "string" then
    return '"' .. v:gsub("[^%w%p ]", function(c) return string.format("\\%03d", c:byte()) end) .. '"'
  end
  if type(v) ~= "table" then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- Deep equality; numbers compare by value (5.3: 1 == 1.0).
local function same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do
    if not same(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- Pushes each chunk and drains next(); returns packets, error code, and the
-- Lua error message if the core raised one (the core must never raise).
local function frame(chunks, maxPacketSize)
  local framer = mqtt.createFramer(maxPacketSize)
  local packets = {}
  local ok, err = pcall(function()
    for _, chunk in ipairs(chunks) do
      framer:push(chunk)
      local p = framer:next()
      while p ~= nil do
        packets[#packets + 1] = p
        p = framer:next()
      end
    end
  end)
  return packets, framer.error, (not ok) and tostring(err) or nil
end

local function checkDecoded(name, chunks, expected)
  local packets, code, raised = frame(chunks, MAX_REMAINING_LENGTH)
  if raised then return check(false, name, "raised " .. raised) end
  if code ~= nil then return check(false, name, "framer error " .. tostring(code)) end
  if #packets ~= 1 then return check(false, name, #packets .. " packets") end
  local ok = same(packets[1], expected)
  check(ok, name, ok or ("decoded " .. show(packets[1]) .. " expected " .. show(expected)))
end

local function checkFixture(f)
  local ok, encoded = pcall(mqtt.encodePacket, f.packet)
  if not ok then
    check(false, f.name .. " encode", "raised " .. tostring(encoded))
  else
    local sameBytes = encoded == f.bytes
    check(sameBytes, f.name .. " encode", sameBytes or ("got " .. show(encoded) .. " expected " .. show(f.bytes)))
  end
  checkDecoded(f.name .. " decode", { f.bytes }, f.packet)
  for _, k in ipairs(f.splits) do
    checkDecoded(f.name .. " split@" .. k, { f.bytes:sub(1, k), f.bytes:sub(k + 1) }, f.packet)
  end
  local bytes = {}
  for i = 1, #f.bytes do bytes[i] = f.bytes:sub(i, i) end
  checkDecoded(f.name .. " bytewise", bytes, f.packet)
end

-- A valid PINGRESP, pushed before an error fixture in the same chunk.
local PINGRESP = string.char(0xd0, 0x00)

-- The framer must stop with code f.error after yielding exactly `before`.
local function checkError(name, f, chunks, before)
  local packets, code, raised = frame(chunks, f.maxPacketSize or data.errorMaxPacketSize)
  if raised then return check(false, name, "raised " .. raised) end
  check(same(packets, before) and code == f.error, name,
    "got " .. show(packets) .. ", error " .. tostring(code) .. ", expected " .. show(before) .. ", " .. f.error)
end

local function checkErrorFixture(f)
  checkError(f.name, f, { f.bytes }, {})
  for k = 0, #f.bytes do
    checkError(f.name .. " split@" .. k, f, { f.bytes:sub(1, k), f.bytes:sub(k + 1) }, {})
  end
  local bytes = {}
  for i = 1, #f.bytes do bytes[i] = f.bytes:sub(i, i) end
  checkError(f.name .. " bytewise", f, bytes, {})
  checkError(f.name .. " after PINGRESP", f, { PINGRESP .. f.bytes }, { { type = 13 } })
  local message = mqtt.codecErrorMessage(f.error)
  check(type(message) == "string" and #message > 0, f.name .. " message", "no message for " .. f.error)
end

for _, f in ipairs(data.fixtures) do checkFixture(f) end
for _, f in ipairs(data.errorFixtures) do checkErrorFixture(f) end

print(string.format("SUMMARY version=%s fixtures=%d errorFixtures=%d checks=%d failures=%d",
  _VERSION:gsub(" ", "_"), #data.fixtures, #data.errorFixtures, checks, failures))
