'use strict';
/**
 * Espruino's `Storage` module over a per-node emulated flash (FlashStore),
 * which survives reboot and deep sleep of the same node. Like Espruino's
 * journaling file system, rewriting or erasing a file leaves its old bytes as
 * trash until compact() (run automatically when space runs out), and every
 * byte written is counted so tests can check flash wear.
 */

/** Espruino file header: size word plus the 28-byte name. */
const HEADER_BYTES = 32;
const MAX_NAME = 28;
const ALIGN = 4;

function footprint(len) {
  return HEADER_BYTES + Math.ceil(len / ALIGN) * ALIGN;
}

/** The flash contents of one node, kept across boots. */
class FlashStore {
  /** @param {number} capacity bytes of Storage */
  constructor(capacity) {
    this.capacity = capacity;
    /** @type {Map<string, string>} name -> byte string */
    this.files = new Map();
    this.trashBytes = 0;
    this.trashCount = 0;
    /** Wear counters: bytes and files written, erase operations. */
    this.stats = { bytesWritten: 0, writes: 0, erases: 0, compactions: 0 };
  }

  usedBytes() {
    let n = 0;
    for (const v of this.files.values()) n += footprint(v.length);
    return n;
  }

  freeBytes() {
    return this.capacity - this.usedBytes() - this.trashBytes;
  }

  /** Moves a file to trash (journaling: its flash is not reusable until compact). */
  discard(name) {
    const old = this.files.get(name);
    if (old === undefined) return false;
    this.files.delete(name);
    this.trashBytes += footprint(old.length);
    this.trashCount++;
    return true;
  }

  compact() {
    this.trashBytes = 0;
    this.trashCount = 0;
    this.stats.compactions++;
  }

  /** Stores `content` as a new version of `name`; false when flash is full even after compacting. */
  put(name, content, written) {
    const old = this.files.get(name);
    const need = footprint(content.length);
    if (this.freeBytes() < need) this.compact();
    if (this.freeBytes() + (old === undefined ? 0 : footprint(old.length)) < need) return false;
    this.discard(name);
    this.files.set(name, content);
    this.stats.bytesWritten += written + HEADER_BYTES;
    this.stats.writes++;
    return true;
  }
}

/** Converts Storage.write data (string, typed array, array of bytes) to a byte string. */
function toByteString(data) {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') {
    const bytes = typeof data.length !== 'number' && typeof data.byteLength === 'number' ? new Uint8Array(data) : data;
    if (typeof bytes.length === 'number') {
      let s = '';
      for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(Number(bytes[i]) & 255);
      return s;
    }
  }
  return String(data);
}

/**
 * Creates the Storage module for one boot over the node's FlashStore.
 * @param {object} env per-boot runtime from node-vm.js (error, realm)
 * @param {FlashStore} flash
 */
function createStorageModule(env, flash) {
  function checkName(name) {
    const n = String(name);
    if (n.length === 0) throw env.error('Invalid filename');
    if (n.length > MAX_NAME) throw env.error('File name too long (max ' + MAX_NAME + ' chars): ' + n);
    return n;
  }

  function write(name, data, offset, size) {
    const n = checkName(name);
    const bytes = toByteString(data);
    if (offset === undefined || (offset === 0 && size !== undefined)) {
      const total = size !== undefined ? Math.max(Number(size), bytes.length) : bytes.length;
      // Unwritten flash reads back as 0xFF until a later write(name, data, offset).
      const content = bytes + String.fromCharCode(255).repeat(total - bytes.length);
      if (!flash.put(n, content, bytes.length)) throw env.error('Not enough free space in Storage');
      return true;
    }
    const cur = flash.files.get(n);
    if (cur === undefined) throw env.error("Can't write to file " + n + ' at offset ' + offset + ': it does not exist');
    if (offset + bytes.length > cur.length) throw env.error('Too much data for file size');
    flash.files.set(n, cur.substr(0, offset) + bytes + cur.substr(offset + bytes.length));
    flash.stats.bytesWritten += bytes.length;
    flash.stats.writes++;
    return true;
  }

  function read(name, offset, length) {
    const v = flash.files.get(checkName(name));
    if (v === undefined) return undefined;
    const start = offset || 0;
    return length === undefined ? v.substr(start) : v.substr(start, length);
  }

  const storage = {
    write,
    read,
    readJSON(name, noExceptions) {
      const v = read(name);
      if (v === undefined) return undefined;
      try {
        return env.realm.JSON.parse(v);
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
    readArrayBuffer(name) {
      const v = read(name);
      if (v === undefined) return undefined;
      const u = new env.realm.Uint8Array(v.length);
      for (let i = 0; i < v.length; i++) u[i] = v.charCodeAt(i);
      return u.buffer;
    },
    writeJSON(name, data) {
      return write(name, env.realm.JSON.stringify(data));
    },
    erase(name) {
      if (flash.discard(checkName(name))) flash.stats.erases++;
    },
    list(regex, filter) {
      const out = new env.realm.Array();
      for (const n of flash.files.keys()) {
        if (regex && typeof regex.test === 'function' && !regex.test(n)) continue;
        if (filter && filter.sf === false && n.charCodeAt(n.length - 1) === 1) continue;
        out.push(n);
      }
      return out;
    },
    getFree() {
      return flash.freeBytes();
    },
    getStats() {
      return {
        totalBytes: flash.capacity,
        freeBytes: flash.freeBytes(),
        fileBytes: flash.usedBytes(),
        fileCount: flash.files.size,
        trashBytes: flash.trashBytes,
        trashCount: flash.trashCount,
      };
    },
    compact() {
      flash.compact();
    },
    eraseAll() {
      flash.files.clear();
      flash.compact();
      flash.stats.erases++;
    },
    open(name, mode) {
      // The chunk suffix takes one of the 28 name characters.
      const n = checkName(name);
      if (n.length > MAX_NAME - 1) throw env.error('File name too long for a StorageFile: ' + n);
      return openFile(env, flash, n, mode);
    },
  };
  return storage;
}

/**
 * StorageFile: an appendable file (Espruino stores it as chunks named
 * name + "\1"; here as one entry with that name). Appends do not rewrite
 * earlier bytes, so they do not create trash.
 */
function openFile(env, flash, name, mode) {
  const key = name + '\u0001';
  if (mode === 'w') flash.discard(key);
  if ((mode === 'w' || mode === 'a') && !flash.files.has(key)) flash.files.set(key, '');
  let pos = 0;
  return {
    write(data) {
      if (mode === 'r') throw env.error("Can't write in read mode");
      const s = toByteString(data);
      flash.files.set(key, (flash.files.get(key) || '') + s);
      flash.stats.bytesWritten += s.length;
      flash.stats.writes++;
    },
    read(len) {
      const v = flash.files.get(key) || '';
      if (pos >= v.length) return undefined;
      const s = v.substr(pos, len);
      pos += s.length;
      return s;
    },
    readLine() {
      const v = flash.files.get(key) || '';
      if (pos >= v.length) return undefined;
      const nl = v.indexOf('\n', pos);
      const end = nl < 0 ? v.length : nl + 1;
      const s = v.substring(pos, end);
      pos = end;
      return s;
    },
    getLength() {
      return (flash.files.get(key) || '').length;
    },
    erase() {
      flash.discard(key);
    },
  };
}

module.exports = { FlashStore, createStorageModule, MAX_NAME };
