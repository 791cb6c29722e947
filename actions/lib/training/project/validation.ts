// Small helpers for checking parsed YAML/JSON and naming what is wrong. Web-standard, pure.

/** A value as it appears in a message: strings quoted, everything else as JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** Whether `value` is a plain mapping (a YAML map or JSON object), not an array or null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems for keys of `value` outside `allowed`, naming the allowed ones. */
export function unknownKeyProblems(
  value: Record<string, unknown>,
  allowed: readonly string[],
  label: string,
  what: string,
): string[] {
  return Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${label}.${key} is not ${what}: use ${allowed.join(', ')}`);
}

// Variable names become SQL column names (`o3_lag1`) and JSON keys: plain lower-case words only.
const VARIABLE_NAME = /^[a-z][a-z0-9]{0,31}$/;

/** Whether `value` can name a TOAR variable (`o3`, `pm2p5`); whether one exists is the database's say. */
function isVariableName(value: unknown): value is string {
  return typeof value === 'string' && VARIABLE_NAME.test(value);
}

/** The problem with a would-be variable name at `label`, if any. */
export function variableNameProblem(value: unknown, label: string): string | undefined {
  if (isVariableName(value)) return undefined;
  return `${label} must be a variable name such as o3 or pm2p5 (lower-case letters and digits), got ${showValue(value)}`;
}
