/** `toar.variables` ids, as the first migration seeds them. */
export const VARIABLE_IDS: Readonly<Record<string, number>> = {
  o3: 1,
  no2: 2,
  so2: 3,
  co: 4,
  pm2p5: 5,
  pm10: 6,
  bc: 7,
};
