/**
 * Adc: one analog input channel.
 *
 * For driver authors:
 * - `read()` returns the conversion as a fraction 0..1 of the channel's
 *   full scale. The board states the full scale in millivolts
 *   (`fullScaleMillivolts`); use `readMillivolts` to convert.
 * - Single readings are noisy on ESP boards (and the ESP32 ADC is not
 *   linear near both ends): average with `readAverage`.
 *
 * For board authors:
 * - Build one Adc per pin. ESP8266 has a single channel (A0, 0..1 V at the
 *   chip; many modules add a divider to 0..3.2 V). On ESP32 use ADC1 pins
 *   (GPIO32..39): ADC2 is unusable while Wi-Fi is on.
 */

/** One analog channel. One required primitive. */
export interface Adc {
  /** The input's full scale in millivolts, for conversions. */
  readonly fullScaleMillivolts: number;
  /** A conversion as a fraction 0..1 of full scale. */
  read(): number;
}

/**
 * Averages `count` (>= 1) consecutive conversions; returns a fraction 0..1.
 */
export function readAverage(adc: Adc, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += adc.read();
  return sum / count;
}

/** Reads once and converts to millivolts, rounded to the nearest integer. */
export function readMillivolts(adc: Adc): number {
  return Math.round(adc.read() * adc.fullScaleMillivolts);
}
