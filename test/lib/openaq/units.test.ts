import { describe, expect, it } from 'vitest';
import { TOAR_VARIABLES } from '../../../actions/lib/openaq/types.ts';
import {
  convertValue,
  MOLAR_MASS,
  TOAR_UNITS,
  unitConversion,
} from '../../../actions/lib/openaq/units.ts';

const GASES = ['o3', 'no2', 'so2', 'co'] as const;
const PARTICLES = ['pm2p5', 'pm10', 'bc'] as const;

describe('unitConversion', () => {
  it('uses the molar masses of DESIGN.md', () => {
    expect(MOLAR_MASS).toEqual({ o3: 48.0, no2: 46.01, so2: 64.07, co: 28.01 });
  });

  it.each(GASES)('stores %s in ppb: ppm × 1000, ppb × 1, µg/m³ × 24.45 / M', (gas) => {
    expect(TOAR_UNITS[gas]).toBe('ppb');
    expect(convertValue(0.031, unitConversion(gas, 'ppm')!)).toBe(0.031 * 1000);
    expect(convertValue(31, unitConversion(gas, 'ppb')!)).toBe(31);
    expect(convertValue(96, unitConversion(gas, 'µg/m³')!)).toBe((96 * 24.45) / MOLAR_MASS[gas]);
  });

  it('converts µg/m³ of ozone the way a chemist would (96 µg/m³ ≈ 48.9 ppb)', () => {
    expect(convertValue(96, unitConversion('o3', 'µg/m³')!)).toBeCloseTo(48.9, 10);
  });

  it.each(PARTICLES)('stores %s in µg/m³: µg/m³ as is, mg/m³ × 1000', (particle) => {
    expect(TOAR_UNITS[particle]).toBe('µg/m³');
    expect(convertValue(27.5, unitConversion(particle, 'µg/m³')!)).toBe(27.5);
    expect(convertValue(0.5, unitConversion(particle, 'mg/m³')!)).toBe(500);
  });

  it.each([
    ['µg/m³', 'micro sign, superscript three'],
    ['µg/m3', 'micro sign, ASCII three'],
    ['ug/m3', 'ASCII u and three'],
    ['μg/m³', 'Greek mu, superscript three'],
  ])('reads %s (%s) as µg/m³', (spelling) => {
    for (const variable of TOAR_VARIABLES) {
      expect(unitConversion(variable, spelling)?.unit).toBe('µg/m³');
    }
  });

  it.each([
    ['μg/m3', 'Greek mu with ASCII three is not among the listed spellings'],
    ['ug/m³', 'ASCII u with superscript three is not among them either'],
    ['µg/m^3', 'another notation'],
    ['UG/M3', 'other case'],
    [' ppm', 'surrounding space'],
    ['PPM', 'other case'],
    ['ppt', 'parts per trillion'],
    ['', 'empty'],
    ['toString', 'a name on Object.prototype'],
  ])('does not accept "%s" (%s)', (unit) => {
    for (const variable of TOAR_VARIABLES) expect(unitConversion(variable, unit)).toBeUndefined();
  });

  it('does not accept mass-per-volume in mg/m³ for gases, nor mixing ratios for particles', () => {
    for (const gas of GASES) expect(unitConversion(gas, 'mg/m³')).toBeUndefined();
    for (const particle of PARTICLES) {
      expect(unitConversion(particle, 'ppm')).toBeUndefined();
      expect(unitConversion(particle, 'ppb')).toBeUndefined();
    }
  });
});
