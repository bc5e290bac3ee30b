/**
 * The Lua-facing API of the portable core: the single entry of the
 * typescript-to-lua bundle (dist/mqttcore.lua, see tsconfig.lua.json). A Lua
 * host does `local core = require("mqttcore")` and gets this table. The Lua
 * build uses noImplicitSelf, so free functions are called with a dot
 * (`core.encodePacket(p)`) and object methods with a colon (`framer:next()`).
 * Only re-exports of factories and functions live here.
 */
export { encodePacket } from './encode';
export { codecErrorMessage } from './errors';
export { createFramer } from './framer';
export { createClient } from './client';
export { createPublisher } from './publisher';
export { createSupervisor } from './supervisor';
