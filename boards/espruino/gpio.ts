/**
 * Gpio on Espruino's pinMode / digitalRead / digitalWrite. The mode is set
 * once here: Espruino would otherwise switch modes automatically on each
 * call.
 */
import type { InputPin, OutputPin, Pull } from '../../firmware/hal/gpio';

class EspruinoOutput implements OutputPin {
  pin: EspruinoPin;

  constructor(pin: EspruinoPin) {
    this.pin = pin;
  }

  write(high: boolean): void {
    digitalWrite(this.pin, high);
  }
}

class EspruinoInput implements InputPin {
  pin: EspruinoPin;

  constructor(pin: EspruinoPin) {
    this.pin = pin;
  }

  read(): boolean {
    return digitalRead(this.pin) === 1;
  }
}

/** Configures `pin` as a push-pull output and returns it, initially low. */
export function createEspruinoOutput(pin: EspruinoPin): OutputPin {
  pinMode(pin, 'output');
  digitalWrite(pin, false);
  return new EspruinoOutput(pin);
}

/** Configures `pin` as an input with the given pull resistor. */
export function createEspruinoInput(pin: EspruinoPin, pull: Pull): InputPin {
  pinMode(pin, pull === 'up' ? 'input_pullup' : pull === 'down' ? 'input_pulldown' : 'input');
  return new EspruinoInput(pin);
}
