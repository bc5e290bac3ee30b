/**
 * Adc on Espruino's analogRead(pin), which returns 0..1 of full scale.
 * ESP8266: A0 only. ESP32: 12-bit, 11 dB attenuation by default (about
 * 0..3.3 V, non-linear above ~2.5 V); use ADC1 pins (D32..D39).
 */
import type { Adc } from '../../firmware/hal/adc';

/** The Adc of `pin`, whose full scale is `fullScaleMillivolts`. */
export class EspruinoAdc implements Adc {
  pin: EspruinoPin;
  fullScaleMillivolts: number;

  constructor(pin: EspruinoPin, fullScaleMillivolts: number) {
    this.pin = pin;
    this.fullScaleMillivolts = fullScaleMillivolts;
  }

  read(): number {
    return analogRead(this.pin);
  }
}
