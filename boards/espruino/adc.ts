/**
 * Adc on Espruino's analogRead(pin), which returns 0..1 of full scale.
 * ESP8266: A0 only. ESP32: 12-bit, 11 dB attenuation by default (about
 * 0..3.3 V, non-linear above ~2.5 V); use ADC1 pins (D32..D39).
 *
 * RAM: a board has one or two analog inputs, so no class (~10 blocks): the
 * board file builds a plain object,
 * `{ pin_: 'A0', fullScaleMillivolts: 3200, read: espruinoAnalogRead }`.
 */
import type { Adc } from '../../firmware/hal/adc';

/** The Adc of `pin_`, whose full scale is `fullScaleMillivolts`. */
export interface EspruinoAdc extends Adc {
  pin_: EspruinoPin;
}

/** Adc.read of an EspruinoAdc. */
export function espruinoAnalogRead(this: EspruinoAdc): number {
  return analogRead(this.pin_);
}
