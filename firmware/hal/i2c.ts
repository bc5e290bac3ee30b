/**
 * I2c: a master on one I2C bus (embedded-hal's WriteRead).
 *
 * For driver authors:
 * - Take the I2c in your constructor. `writeRead(address, write, n)`
 *   writes the bytes of `write` (a byte string, may be empty) to the 7-bit
 *   `address`, then, when `n > 0`, reads `n` bytes after a REPEATED START
 *   (no STOP between), as register reads need.
 * - Success is a byte string (`''` for a pure write); failure is an
 *   I2cError (test with `isI2cError`). A NACK (device absent or busy) is
 *   `I2C_NACK`, never an exception.
 * - An empty `write` with `readLength` 0 does nothing on the bus (Espruino
 *   skips empty writes): probe a device with a 1-byte read instead.
 * - Calls are synchronous and block the interpreter for the transfer time:
 *   keep transfers short (tens of bytes).
 *
 * For board authors:
 * - Set the bus up (pins, bitrate) in the board file and pass it in.
 * - Catch the platform's exceptions and map them to the codes below.
 */

/** The closed set of I2C fault codes. */
export type I2cErrorCode =
  | 'I2C_NACK' // no acknowledge from the addressed device
  | 'I2C_TIMEOUT' // bus held busy (clock stretching, stuck SDA)
  | 'I2C_BUS_ERROR'; // any other bus fault

/** An I2C fault: a code and the platform's words for logs. */
export interface I2cError {
  code: I2cErrorCode;
  message: string;
}

/** A byte string on success, an I2cError on failure. */
export type I2cResult = string | I2cError;

/** One I2C bus. One required primitive. */
export interface I2c {
  /** Writes `write`, then reads `readLength` bytes with a repeated start. */
  writeRead(address: number, write: string, readLength: number): I2cResult;
}

/** True when an I2cResult is a fault rather than data. */
export function isI2cError(result: I2cResult): result is I2cError {
  return typeof result !== 'string';
}

/**
 * Reads `length` bytes starting at register `register` of the device at
 * `address` (register pointer write, repeated start, read).
 */
export function readRegister(i2c: I2c, address: number, register: number, length: number): I2cResult {
  return i2c.writeRead(address, String.fromCharCode(register), length);
}

/**
 * Writes `value` (one byte, or a byte string of several) to register
 * `register` of the device at `address`. Returns '' or an I2cError.
 */
export function writeRegister(i2c: I2c, address: number, register: number, value: number | string): I2cResult {
  const data = typeof value === 'string' ? value : String.fromCharCode(value);
  return i2c.writeRead(address, String.fromCharCode(register) + data, 0);
}

/**
 * Reads one register byte; returns the byte 0..255, or the I2cError.
 */
export function readRegisterByte(i2c: I2c, address: number, register: number): number | I2cError {
  const result = readRegister(i2c, address, register, 1);
  return typeof result === 'string' ? result.charCodeAt(0) : result;
}
