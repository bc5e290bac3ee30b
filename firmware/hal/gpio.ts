/**
 * Gpio: single digital pins, one interface per direction.
 *
 * For driver authors:
 * - Take an OutputPin / InputPin in your constructor; `true` means the
 *   line is high (3.3 V). Active-low wiring is the driver's business.
 *
 * For board authors:
 * - Configure the pin mode (output, input with pull-up...) when building
 *   the object in the board file, not on every read or write.
 */

/** A pin driven by the board. One required primitive. */
export interface OutputPin {
  write(high: boolean): void;
}

/** A pin sensed by the board. One required primitive. */
export interface InputPin {
  read(): boolean;
}

/** Pull resistor for an input. */
export type Pull = 'none' | 'up' | 'down';
