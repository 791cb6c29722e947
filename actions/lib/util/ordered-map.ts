/**
 * Maps `items` through `work` with up to `limit` calls in flight, yielding results in input order
 * (so a slow item holds back the ones after it, and nothing runs more than `limit` ahead of the
 * consumer). `work` should not throw: turn failures into values.
 *
 * @example
 * for await (const parsed of orderedMap(objects, 4, (o) => readAndParse(o))) load(parsed);
 */
export async function* orderedMap<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  for await (const item of items) {
    pending.push(work(item));
    const oldest = pending.length >= limit ? pending.shift() : undefined;
    if (oldest !== undefined) yield await oldest;
  }
  for (let oldest = pending.shift(); oldest !== undefined; oldest = pending.shift()) {
    yield await oldest;
  }
}
