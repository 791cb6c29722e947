/** A container being scanned: an object's current member key (undefined in an array). */
type Frame = { key: string | undefined; object: boolean };

/**
 * The text of the number at `path` (member keys from the top-level object) in the JSON `text`,
 * as the line wrote it; undefined when there is none. `JSON.parse` turns `1e400` into Infinity,
 * which prints as `null`: a message quotes what the line said instead. One pass over the line
 * without building values, run only in that rare case (the line parsed already, so it is JSON).
 *
 * @example
 * rawNumberAt('{"value":1e400,"averagingPeriod":{"value":2e999}}', ['value']); // → '1e400'
 * rawNumberAt('{"value":1e400,"averagingPeriod":{"value":2e999}}', ['averagingPeriod', 'value']); // → '2e999'
 */
export function rawNumberAt(text: string, path: readonly string[]): string | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      let j = i;
      while (text[j] === ' ' || text[j] === '\t' || text[j] === '\r' || text[j] === '\n') j++;
      const frame = stack.at(-1);
      if (text[j] === ':' && frame?.object) {
        frame.key = JSON.parse(text.slice(start, i)) as string;
        i = j + 1;
      }
      continue;
    }
    if (c === '{' || c === '[') stack.push({ key: undefined, object: c === '{' });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const start = i;
      while (i < text.length && '+-.eE0123456789'.includes(text[i] ?? '')) i++;
      if (stack.length === path.length && stack.every((f, k) => f.object && f.key === path[k])) {
        return text.slice(start, i);
      }
      continue;
    }
    i++;
  }
  return undefined;
}
