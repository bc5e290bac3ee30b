/**
 * Log on the Espruino console (console.log: the USB serial port on ESP
 * boards, stdout on Linux). One line per message: "<tag> <message>".
 */
import { levelTag, type Log, type LogLevel } from '../../firmware/hal/log';

declare const console: EspruinoConsole;

class ConsoleLog implements Log {
  level: LogLevel;

  constructor(level: LogLevel) {
    this.level = level;
  }

  write(level: LogLevel, message: string): void {
    if (level < this.level) return;
    try {
      console.log(levelTag(level) + ' ' + message);
    } catch (e) {
      // Logging never throws (contract), e.g. when out of memory.
    }
  }
}

/** Builds a console Log that drops messages below `level`. */
export function createConsoleLog(level: LogLevel): Log {
  return new ConsoleLog(level);
}
