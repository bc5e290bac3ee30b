/**
 * Storage on Espruino's require("Storage") [src/jswrap_storage.c]. Names
 * longer than 28 characters would be silently truncated by the platform
 * (two names could then share a file), so they are refused here; writing
 * zero bytes throws "Can't create zero length file", a full flash throws
 * "Unable to find or create file" [src/jsflash.c].
 */
import { isValidName, type Storage, type StorageStatus } from '../../firmware/hal/storage';
import { messageOf } from './errors';

class EspruinoStorage implements Storage {
  storage: EspruinoStorageModule;

  constructor(storage: EspruinoStorageModule) {
    this.storage = storage;
  }

  read(name: string): string | undefined {
    if (!isValidName(name)) return undefined;
    const data = this.storage.read(name);
    return data === undefined ? undefined : data;
  }

  write(name: string, data: string): StorageStatus {
    if (!isValidName(name)) return 'STORAGE_BAD_NAME';
    if (data.length === 0) return 'STORAGE_EMPTY';
    try {
      return this.storage.write(name, data) ? 'OK' : 'STORAGE_FULL';
    } catch (e) {
      return messageOf(e).indexOf('create file') >= 0 ? 'STORAGE_FULL' : 'STORAGE_ERROR';
    }
  }

  erase(name: string): void {
    if (isValidName(name)) this.storage.erase(name);
  }

  free(): number {
    return this.storage.getFree();
  }

  compact(): void {
    this.storage.compact();
  }
}

/** Builds the Storage of a board from `require("Storage")`. */
export function createEspruinoStorage(storage: EspruinoStorageModule): Storage {
  return new EspruinoStorage(storage);
}
