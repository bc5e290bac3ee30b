'use strict';
/**
 * Espruino's OneWire class over emulated devices on a per-node, per-pin bus.
 * The bus follows the 1-Wire ROM layer: after reset(), 0x55 (Match ROM) + 8
 * ROM bytes selects one device, 0xCC (Skip ROM) selects all; later bytes go to
 * the selected devices and reads are the wired-AND of their answers (0xFF when
 * nobody drives the line). search() returns ROMs as 16-char hex strings, family
 * code first, as Espruino does. A device provides rom (8 bytes), reset(),
 * writeByte(b) and readByte(); `present: false` unplugs it.
 */

const MATCH_ROM = 0x55;
const SKIP_ROM = 0xcc;
const READ_ROM = 0x33;

/** Formats 8 ROM bytes as Espruino does: lowercase hex, first byte first. */
function romToHex(rom) {
  return rom.map((b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
}

function hexToRom(hex) {
  const out = [];
  for (let i = 0; i < 16; i += 2) out.push(parseInt(String(hex).substr(i, 2), 16));
  return out;
}

/** The 1-Wire buses of one node, keyed by pin number, kept across boots. */
class OneWireBuses {
  constructor() {
    /** @type {Map<number, object[]>} */
    this.pins = new Map();
  }

  attach(pin, device) {
    if (!this.pins.has(pin)) this.pins.set(pin, []);
    this.pins.get(pin).push(device);
  }

  present(pin) {
    return (this.pins.get(pin) || []).filter((d) => d.present !== false);
  }
}

/**
 * Creates the OneWire constructor for one boot.
 * @param {object} env per-boot runtime from node-vm.js (pinNumber, realm)
 * @param {OneWireBuses} buses
 */
function createOneWireClass(env, buses) {
  function OneWire(pin) {
    if (!(this instanceof OneWire)) return new OneWire(pin);
    Object.defineProperty(this, '_w', { value: { pin: env.pinNumber(pin), state: 'idle', rom: [], selected: [] }, enumerable: false });
  }

  function writeByte(w, b) {
    const devices = buses.present(w.pin);
    if (w.state === 'rom') {
      if (b === MATCH_ROM) {
        w.state = 'match';
        w.rom = [];
      } else if (b === SKIP_ROM) {
        w.selected = devices;
        w.state = 'function';
      } else if (b === READ_ROM) {
        w.selected = devices;
        w.state = 'readrom';
        w.rom = devices.length ? devices[0].rom.slice() : [];
      }
      return;
    }
    if (w.state === 'match') {
      w.rom.push(b);
      if (w.rom.length === 8) {
        const hex = romToHex(w.rom);
        w.selected = devices.filter((d) => romToHex(d.rom) === hex);
        w.state = 'function';
      }
      return;
    }
    if (w.state === 'function') for (const d of w.selected) d.writeByte(b);
  }

  function readByte(w) {
    if (w.state === 'readrom') return w.rom.length ? w.rom.shift() : 0xff;
    if (w.state !== 'function') return 0xff;
    let v = 0xff;
    for (const d of w.selected) v &= d.readByte();
    return v;
  }

  OneWire.prototype.reset = function () {
    const w = this._w;
    const devices = buses.present(w.pin);
    for (const d of devices) d.reset();
    w.state = 'rom';
    w.selected = [];
    return devices.length > 0;
  };
  OneWire.prototype.select = function (rom) {
    const bytes = typeof rom === 'string' ? hexToRom(rom) : Array.prototype.slice.call(rom);
    writeByte(this._w, MATCH_ROM);
    for (const b of bytes) writeByte(this._w, b & 255);
  };
  OneWire.prototype.skip = function () {
    writeByte(this._w, SKIP_ROM);
  };
  OneWire.prototype.write = function (data) {
    const bytes = typeof data === 'number' ? [data] : Array.prototype.slice.call(data);
    for (const b of bytes) writeByte(this._w, Number(b) & 255);
  };
  OneWire.prototype.read = function (count) {
    if (count === undefined) return readByte(this._w);
    const out = new env.realm.Array();
    for (let i = 0; i < count; i++) out.push(readByte(this._w));
    return out;
  };
  OneWire.prototype.search = function () {
    const out = new env.realm.Array();
    for (const d of buses.present(this._w.pin)) out.push(romToHex(d.rom));
    this._w.state = 'idle';
    return out;
  };
  return OneWire;
}

module.exports = { OneWireBuses, createOneWireClass, romToHex, hexToRom };
