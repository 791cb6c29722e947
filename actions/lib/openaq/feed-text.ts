/** Longest station name, code, city or country taken from a feed, in characters (code points). */
export const FEED_TEXT_MAX = 200;

/**
 * `text` cut to its first `max` characters (code points: a surrogate pair is never split), so
 * that a hostile feed (a 50 MB `location`) cannot become a 50 MB station name or code. Text that
 * fits is returned as it is, without a copy.
 *
 * @example
 * capFeedText('Dhaka'); // → 'Dhaka'
 * capFeedText('x'.repeat(50_000_000)).length; // → 200
 * capFeedText(`${'a'.repeat(199)}😀😀`); // → 199 × 'a' and one 😀 (200 characters, 201 code units)
 */
export function capFeedText(text: string, max = FEED_TEXT_MAX): string {
  // At most `max` code units is at most `max` code points: the common case costs one comparison.
  if (text.length <= max) return text;
  let end = 0;
  for (let n = 0; n < max && end < text.length; n++) {
    const unit = text.charCodeAt(end);
    const next = end + 1 < text.length ? text.charCodeAt(end + 1) : 0;
    // A high surrogate followed by a low one is one character of two code units.
    end += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, end);
}
