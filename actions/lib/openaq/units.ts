import type { ToarVariable } from './types.ts';

/**
 * Units OpenAQ reports and how they become TOAR units (DESIGN.md, rule "unit"): gases in
 * nmol mol⁻¹ (ppb), particles and black carbon in µg m⁻³.
 */

/** The canonical spelling of micrograms per cubic metre: micro sign U+00B5 and superscript three. */
export const MICROGRAMS_PER_CUBIC_METRE = 'µg/m³';

/**
 * Spellings read as `µg/m³`, exactly these (no other case or spacing): the canonical one, `µg/m3`
 * and `ug/m3` (ASCII three, as some feeds write it) and `μg/m³` (Greek small mu U+03BC, which looks
 * identical to the micro sign).
 */
export const MICROGRAMS_PER_CUBIC_METRE_SPELLINGS: readonly string[] = [
  'µg/m³',
  'µg/m3',
  'ug/m3',
  'μg/m³',
];

/** Molar volume of an ideal gas at 25 °C and 1 atm, in litres per mole. */
export const MOLAR_VOLUME_LITRES = 24.45;

/** Molar masses (g/mol) of the gases, used to turn µg/m³ into ppb. */
export const MOLAR_MASS: Readonly<Record<'o3' | 'no2' | 'so2' | 'co', number>> = {
  o3: 48.0,
  no2: 46.01,
  so2: 64.07,
  co: 28.01,
};

/**
 * A conversion to TOAR units: `value * multiply / divide`. Kept as two factors so that µg/m³ is
 * converted exactly as DESIGN.md writes it (`× 24.45 / M`), not by a pre-rounded quotient.
 */
export interface UnitConversion {
  /** The canonical unit this spelling stands for (`µg/m³`, `ppm`, …). */
  unit: string;
  multiply: number;
  divide: number;
}

function conversions(
  entries: readonly [string, number, number][],
): ReadonlyMap<string, UnitConversion> {
  const map = new Map<string, UnitConversion>();
  for (const [unit, multiply, divide] of entries) {
    const spellings =
      unit === MICROGRAMS_PER_CUBIC_METRE ? MICROGRAMS_PER_CUBIC_METRE_SPELLINGS : [unit];
    const conversion: UnitConversion = { unit, multiply, divide };
    for (const spelling of spellings) map.set(spelling, conversion);
  }
  return map;
}

function gas(molarMass: number): ReadonlyMap<string, UnitConversion> {
  return conversions([
    ['ppm', 1000, 1],
    ['ppb', 1, 1],
    [MICROGRAMS_PER_CUBIC_METRE, MOLAR_VOLUME_LITRES, molarMass],
  ]);
}

const PARTICLES = conversions([
  [MICROGRAMS_PER_CUBIC_METRE, 1, 1],
  ['mg/m³', 1000, 1],
]);

/** Per TOAR variable, every accepted unit spelling → its conversion. Maps, so `"toString"` finds nothing. */
const CONVERSIONS: Readonly<Record<ToarVariable, ReadonlyMap<string, UnitConversion>>> = {
  o3: gas(MOLAR_MASS.o3),
  no2: gas(MOLAR_MASS.no2),
  so2: gas(MOLAR_MASS.so2),
  co: gas(MOLAR_MASS.co),
  pm2p5: PARTICLES,
  pm10: PARTICLES,
  bc: PARTICLES,
};

/** The TOAR unit each variable is stored in. */
export const TOAR_UNITS: Readonly<Record<ToarVariable, string>> = {
  o3: 'ppb',
  no2: 'ppb',
  so2: 'ppb',
  co: 'ppb',
  pm2p5: MICROGRAMS_PER_CUBIC_METRE,
  pm10: MICROGRAMS_PER_CUBIC_METRE,
  bc: MICROGRAMS_PER_CUBIC_METRE,
};

/**
 * The conversion of a record's unit for a variable, or `undefined` when the unit is not supported.
 *
 * @example
 * const c = unitConversion('o3', 'ug/m3')!;  // { unit: 'µg/m³', multiply: 24.45, divide: 48 }
 * convertValue(96, c);                       // 48.9 (ppb)
 * unitConversion('o3', 'ppt');               // undefined
 */
export function unitConversion(variable: ToarVariable, unit: string): UnitConversion | undefined {
  return CONVERSIONS[variable].get(unit);
}

/** Applies a conversion: `value × multiply / divide`. */
export function convertValue(value: number, conversion: UnitConversion): number {
  return (value * conversion.multiply) / conversion.divide;
}
