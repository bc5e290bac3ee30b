/**
 * Log: one line per event, for the serial console or the simulator.
 *
 * For driver authors:
 * - Messages are ASCII; keep them short and build them only when they will
 *   be written (check `enabled` before concatenating on hot paths).
 * - Logging never throws and never blocks on the network.
 *
 * For board authors:
 * - Drop levels below the board's threshold; prefix the level.
 */

/** Severity, lowest first. */
export const enum LogLevel {
  DEBUG = 0,
  INFO = 1,
  WARN = 2,
  ERROR = 3,
}

/** A log sink. One required primitive. */
export interface Log {
  /** The lowest level that is written. */
  readonly level: LogLevel;
  /** Writes `message` when `level` is at or above the threshold. */
  write(level: LogLevel, message: string): void;
}

/** True when a message at `level` would be written. */
export function enabled(log: Log, level: LogLevel): boolean {
  return level >= log.level;
}

/** The short tag printed before a message of `level`. */
export function levelTag(level: LogLevel): string {
  switch (level) {
    case LogLevel.DEBUG:
      return 'D';
    case LogLevel.INFO:
      return 'I';
    case LogLevel.WARN:
      return 'W';
    case LogLevel.ERROR:
      return 'E';
  }
}
