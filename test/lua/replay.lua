-- Replays session scenarios recorded from the jest tests against the Lua build
-- of the MQTT core, and checks that it gives the same outputs.
-- Usage: lua replay.lua dist/mqttcore.lua traces.lua
--   traces.lua is written by test/lua/lua-traces.ts from the traces of
--   test/support/session-recorder.ts (the event format is described there).
-- Every input the test made is made again (factory and method calls, property
-- reads and writes, nested in callbacks as they were); every output must match
-- in order: each host function called with the same arguments (and, for
-- Transport/Store methods, with self), each return value and property read
-- deep-equal. Numbers compare by value (5.3: 1 == 1.0); an undefined argument
-- or field is nil, trailing nil arguments do not count.
-- Prints one "FAIL <scenario> | step <n>: <input> | event <i>: expected <x> | actual <y>"
-- line per failed scenario (a scenario stops at its first mismatch), then
--   SUMMARY version=<_VERSION> scenarios=<n> steps=<n> events=<n> checks=<n> failures=<n>
-- where events counts the events consumed by scenarios that passed.

local bundlePath, tracePath = ...
local mqtt = dofile(bundlePath)
local scenarios = dofile(tracePath)
local unpack = table.unpack or unpack

local function pack(...)
  return { n = select("#", ...), ... }
end

-- The scenario being replayed: events, next position, objects and host
-- function names by id, current top-level step.
local S

-- Printable form of a value: strings escaped and shortened, keys sorted,
-- numbers without a 5.3 ".0" so that both VMs print alike, tables three deep
-- (an actual value may be a core object that refers to others).
local function show(v, depth)
  local t = type(v)
  if t == "string" then
    local s = v:sub(1, 48):gsub("[^%w%p ]", function(c) return string.format("\\%03d", c:byte()) end)
    return '"' .. s .. (#v > 48 and ('..." (' .. #v .. " bytes)") or '"')
  end
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return tostring(v) end
    if v == math.floor(v) and math.abs(v) < 2 ^ 53 then return string.format("%d", v) end
    return string.format("%.17g", v)
  end
  if t ~= "table" then return tostring(v) end
  if v.__obj ~= nil then return "obj#" .. v.__obj end
  if v.__fn ~= nil then return v.name end
  depth = (depth or 0) + 1
  if depth > 3 then return "{...}" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k], depth) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function showArgs(args)
  local parts = {}
  for i = 1, args.n do parts[i] = show(args[i]) end
  return table.concat(parts, ", ")
end

local function label(id)
  return id == 0 and "mqtt" or (S.labels[id] or ("obj#" .. id))
end

local function describe(ev)
  if ev == nil then return "end of the scenario" end
  local kind = ev[1]
  if kind == "call" then return label(ev[2]) .. (ev[2] == 0 and "." or ":") .. ev[3] .. "(" .. showArgs(ev[4]) .. ")" end
  if kind == "get" then return label(ev[2]) .. "." .. ev[3] .. " == " .. show(ev[4]) end
  if kind == "set" then return label(ev[2]) .. "." .. ev[3] .. " = " .. show(ev[4]) end
  if kind == "cb" then return "call of " .. (S.fnNames[ev[2]] or ("fn#" .. ev[2])) .. "(" .. showArgs(ev[3]) .. ")" end
  if kind == "ret" then return "return " .. show(ev[2]) end
  if kind == "back" then return "host function returns " .. show(ev[2]) end
  return "raise"
end

-- Stops the scenario: raised through the core up to the scenario's pcall.
local function mismatch(expected, actual)
  error({ expected = expected, actual = actual }, 0)
end

-- Deep equality of an actual value with a recorded one.
local function same(actual, expected)
  if type(expected) == "table" and expected.__obj ~= nil then return rawequal(actual, S.objects[expected.__obj]) end
  if type(actual) ~= type(expected) then return false end
  if type(expected) ~= "table" then return actual == expected end
  for k, v in pairs(expected) do
    if not same(actual[k], v) then return false end
  end
  for k in pairs(actual) do
    if expected[k] == nil then return false end
  end
  return true
end

-- Argument lists without trailing nils.
local function trimmed(args, first)
  local out = { n = 0 }
  for i = first, args.n do
    out[i - first + 1] = args[i]
    if args[i] ~= nil then out.n = i - first + 1 end
  end
  return out
end

local function sameArgs(actual, expected)
  local e = trimmed(expected, 1)
  if actual.n ~= e.n then return false end
  for i = 1, e.n do
    if not same(actual[i], e[i]) then return false end
  end
  return true
end

local decode
local runInputs

-- A host function: checks that the core calls it as recorded, makes the
-- inputs the test made inside it, and returns what it returned.
local function stub(desc, parent)
  S.fnNames[desc.__fn] = desc.name
  return function(...)
    local args = pack(...)
    local first = 1
    if desc.method then
      if not rawequal(args[1], parent) then
        mismatch(desc.name .. " called as a method (with self)", desc.name .. " called without self: (" .. showArgs(args) .. ")")
      end
      first = 2
    end
    local actual = trimmed(args, first)
    local ev = S.events[S.pos]
    if ev == nil or ev[1] ~= "cb" or ev[2] ~= desc.__fn or not sameArgs(actual, ev[3]) then
      mismatch(describe(ev), "call of " .. desc.name .. "(" .. showArgs(actual) .. ")")
    end
    S.checks = S.checks + 1
    S.pos = S.pos + 1
    runInputs()
    ev = S.events[S.pos]
    S.pos = S.pos + 1
    if ev[1] == "raise" then error("host function " .. desc.name .. " raised (as recorded)", 0) end
    return decode(ev[2])
  end
end

-- The Lua value for a recorded input value (host functions become stubs).
function decode(v, parent)
  if type(v) ~= "table" then return v end
  if v.__obj ~= nil then return S.objects[v.__obj] end
  if v.__fn ~= nil then return stub(v, parent) end
  local t = {}
  for k, x in pairs(v) do t[k] = decode(x, t) end
  return t
end

-- Compares the result of a replayed call with the recorded one.
local function checkResult(ok, result)
  local ev = S.events[S.pos]
  local function differs()
    mismatch(describe(ev), ok and ("return " .. show(result)) or ("raise " .. tostring(result)))
  end
  if ev == nil or (ev[1] ~= "ret" and ev[1] ~= "raise") or ok ~= (ev[1] == "ret") then differs() end
  S.pos = S.pos + 1
  S.checks = S.checks + 1
  if not ok then return end
  local e = ev[2]
  if type(e) == "table" and e.__obj ~= nil and S.objects[e.__obj] == nil and type(result) == "table" then
    -- A factory's result: the object that later events name by this id.
    S.objects[e.__obj] = result
  elseif not same(result, e) then
    differs()
  end
end

local function runInput(ev)
  local kind, id = ev[1], ev[2]
  local target = id == 0 and mqtt or S.objects[id]
  if target == nil then mismatch("object " .. id, "none (its factory returned nothing)") end
  S.pos = S.pos + 1
  if kind == "get" then
    local v = target[ev[3]]
    if not same(v, ev[4]) then mismatch(describe(ev), label(id) .. "." .. ev[3] .. " == " .. show(v)) end
    S.checks = S.checks + 1
  elseif kind == "set" then
    target[ev[3]] = decode(ev[4])
  else
    local f = target[ev[3]]
    if type(f) ~= "function" then mismatch(describe(ev), label(id) .. "." .. ev[3] .. " is " .. type(f)) end
    local args = { n = ev[4].n }
    for i = 1, args.n do args[i] = decode(ev[4][i]) end
    local results
    if id == 0 then
      results = pack(pcall(f, unpack(args, 1, args.n)))
    else
      results = pack(pcall(f, target, unpack(args, 1, args.n)))
    end
    -- A mismatch inside a callback passes through the core unchanged.
    if not results[1] and type(results[2]) == "table" then error(results[2], 0) end
    checkResult(results[1], results[2])
    local ret = S.events[S.pos - 1]
    if id == 0 and ret[1] == "ret" and type(ret[2]) == "table" and ret[2].__obj ~= nil then
      -- Named after the factory in messages: createClient -> client#3.
      S.labels[ret[2].__obj] = ev[3]:sub(7, 7):lower() .. ev[3]:sub(8) .. "#" .. ret[2].__obj
    end
  end
end

-- Makes the recorded inputs up to the next output event.
function runInputs()
  local ev = S.events[S.pos]
  while ev ~= nil and (ev[1] == "call" or ev[1] == "get" or ev[1] == "set") do
    runInput(ev)
    ev = S.events[S.pos]
  end
end

local totals = { scenarios = 0, steps = 0, events = 0, checks = 0, failures = 0 }

for _, load in ipairs(scenarios) do
  local sc = load()
  S = { events = sc.events, pos = 1, objects = {}, labels = {}, fnNames = {}, checks = 0, step = 0 }
  local ok, err = pcall(function()
    while S.pos <= #S.events do
      local ev = S.events[S.pos]
      S.step = S.step + 1
      S.stepEvent = ev
      if ev[1] ~= "call" and ev[1] ~= "get" and ev[1] ~= "set" then mismatch("an input from the test", describe(ev)) end
      runInput(ev)
    end
  end)
  totals.scenarios = totals.scenarios + 1
  totals.steps = totals.steps + S.step
  if ok then
    totals.events = totals.events + #S.events
    totals.checks = totals.checks + S.checks
  else
    totals.failures = totals.failures + 1
    local expected, actual = "", tostring(err)
    if type(err) == "table" then expected, actual = err.expected, err.actual end
    print("FAIL " .. sc.name .. " | step " .. S.step .. ": " .. describe(S.stepEvent) .. " | event " .. S.pos ..
      ": expected " .. expected .. " | actual " .. actual)
  end
end

print(string.format("SUMMARY version=%s scenarios=%d steps=%d events=%d checks=%d failures=%d",
  _VERSION:gsub(" ", "_"), totals.scenarios, totals.steps, totals.events, totals.checks, totals.failures))
