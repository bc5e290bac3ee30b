/**
 * I2c on an Espruino I2C bus (I2C1) [src/jswrap_spi_i2c.c]. The board sets
 * the bus up (pins, bitrate) and passes it in. Espruino signals a NACK by
 * throwing: ESP32 "slave doesn't ACK the transfer"
 * [targets/esp32/jshardwareI2c.c], ESP8266 "I2CWrite: No ACK"
 * [targets/esp8266/jshardware.c]; software I2C "I2C Error: Timeout"
 * [src/jsi2c.c]. Those become I2C_NACK / I2C_TIMEOUT values here.
 */
import type { I2c, I2cError, I2cErrorCode, I2cResult } from '../../firmware/hal/i2c';
import { messageOf } from './errors';

/** Maps a platform exception to an I2cError. */
function errorFor(e: unknown): I2cError {
  const message = messageOf(e);
  let code: I2cErrorCode = 'I2C_BUS_ERROR';
  if (message.indexOf('ACK') >= 0) code = 'I2C_NACK';
  else if (message.indexOf('imeout') >= 0) code = 'I2C_TIMEOUT';
  return { code: code, message: message };
}

class EspruinoI2c implements I2c {
  bus: EspruinoI2CBus;
  /** Reused `{address, stop: false}` argument: no allocation per transfer. */
  noStop: { address: number; stop: boolean };

  constructor(bus: EspruinoI2CBus) {
    this.bus = bus;
    this.noStop = { address: 0, stop: false };
  }

  writeRead(address: number, write: string, readLength: number): I2cResult {
    try {
      if (readLength <= 0) {
        if (write.length > 0) this.bus.writeTo(address, write);
        return '';
      }
      if (write.length > 0) {
        // No STOP after the register pointer: the read follows with a
        // repeated START, as register-based devices require.
        this.noStop.address = address;
        this.bus.writeTo(this.noStop, write);
      }
      return E.toString(this.bus.readFrom(address, readLength));
    } catch (e) {
      return errorFor(e);
    }
  }
}

/** Builds an I2c on an Espruino bus that the board has already set up. */
export function createEspruinoI2c(bus: EspruinoI2CBus): I2c {
  return new EspruinoI2c(bus);
}
