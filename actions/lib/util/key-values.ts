// `key=value` items — training parameters and run tags — as the command line (`-P a=1 -P b=2`) and the
// train action (one input of several lines, or one line of space-separated items) give them. One
// grammar for both: the key is everything before the first `=`, trimmed and not empty; the value is
// the rest, so `expr=a=b` gives `expr` the value `a=b`; a key given twice is a problem. Pure.
import { UsageError } from '../errors.ts';

/** How the items' problems are worded: the setting they came from, and what a fix looks like. */
export interface KeyValueWording {
  /** A malformed item (no `=`, or nothing before it). */
  readonly malformed: (item: string) => string;
  /** A key given twice. */
  readonly repeated: (key: string) => string;
}

/**
 * The wording for a setting named `label`, with `example` as the item to write instead.
 *
 * @example keyValueWording("input 'parameters'").repeated('seed') // "input 'parameters' gives seed twice: give it once"
 */
export function keyValueWording(label: string, example = 'n_trees=50'): KeyValueWording {
  return {
    malformed: (item) =>
      `${label} item ${JSON.stringify(item)} is not key=value: write e.g. ${example}`,
    repeated: (key) => `${label} gives ${key} twice: give it once`,
  };
}

/** How values are taken. */
export interface KeyValueOptions {
  /** Trim spaces around each value (default true: a text input's `label = my model`). */
  readonly trimValues?: boolean;
}

/**
 * Reads `key=value` items into a record, collecting a problem for each malformed item and each
 * repeated key instead of throwing.
 *
 * @example
 * const problems: string[] = [];
 * parseKeyValueItems(['a=1', 'b=x=y'], keyValueWording('-P'), problems) // { a: '1', b: 'x=y' }
 */
export function parseKeyValueItems(
  items: readonly string[],
  wording: KeyValueWording,
  problems: string[],
  options: KeyValueOptions = {},
): Record<string, string> {
  const trim = options.trimValues ?? true;
  const values: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    const key = at < 0 ? '' : item.slice(0, at).trim();
    if (key === '') problems.push(wording.malformed(item));
    else if (Object.hasOwn(values, key)) problems.push(wording.repeated(key));
    else {
      const value = item.slice(at + 1);
      values[key] = trim ? value.trim() : value;
    }
  }
  return values;
}

/**
 * Splits a text of `key=value` items into the items: one per line, and a line of several words that
 * each hold an `=` is several items (a workflow_dispatch form has a single line), while a value with
 * spaces stays whole on a line of its own. Blank lines are skipped.
 *
 * @example splitKeyValueText('n_trees=50 seed=1\nlabel=my model') // ['n_trees=50', 'seed=1', 'label=my model']
 */
export function splitKeyValueText(text: string): string[] {
  const items: string[] = [];
  for (const line of text.split(/\r?\n/).map((l) => l.trim())) {
    if (line === '') continue;
    const words = line.split(/\s+/);
    if (words.length > 1 && words.every((w) => /^[^=]+=/.test(w))) items.push(...words);
    else items.push(line);
  }
  return items;
}

/**
 * Reads a text of `key=value` items (see {@link splitKeyValueText}) named `label` in messages.
 *
 * @throws UsageError naming every malformed item and repeated key
 * @example parseKeyValueText('n_trees=50\nlabel=my model', "input 'parameters'") // { n_trees: '50', label: 'my model' }
 * @example parseKeyValueText('n_trees=50 seed=1', "input 'parameters'") // { n_trees: '50', seed: '1' }
 */
export function parseKeyValueText(text: string, label: string): Record<string, string> {
  const problems: string[] = [];
  const values = parseKeyValueItems(splitKeyValueText(text), keyValueWording(label), problems);
  if (problems.length > 0) throw new UsageError(problems);
  return values;
}
