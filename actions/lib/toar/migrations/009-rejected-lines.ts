// A rejected line's raw text is stored once, however many objects repeat it (DESIGN.md, Schema):
// every real-time fetch repeats most of the previous one's records, rejected ones included, so one
// row of text per (object, line) stored the same few thousand lines again every ten minutes (a
// fifth of a real fetch's lines have no coordinates). ops.rejected_lines holds each distinct text
// under its SHA-256; ops.rejected_records points at it; the view ops.rejections reads as the table
// did. Texts are only ever added: a text no rejection points at any more (a line rejected under
// older rules and accepted now) stays, so that a concurrent load can always rely on a text it
// found, and is removed by `DELETE … WHERE NOT EXISTS` when storage matters.
export default /* sql */ `
CREATE TABLE ops.rejected_lines (
  hash  bytea PRIMARY KEY CHECK (length(hash) = 32),
  raw   text NOT NULL
);
INSERT INTO ops.rejected_lines (hash, raw)
SELECT DISTINCT ON (sha256(convert_to(raw, 'UTF8'))) sha256(convert_to(raw, 'UTF8')), raw
FROM ops.rejected_records;

ALTER TABLE ops.rejected_records ADD COLUMN raw_hash bytea;
UPDATE ops.rejected_records SET raw_hash = sha256(convert_to(raw, 'UTF8'));
ALTER TABLE ops.rejected_records ALTER COLUMN raw_hash SET NOT NULL, DROP COLUMN raw;

CREATE VIEW ops.rejections AS
SELECT r.object_key, r.line, r.interval_start, r.reason, r.message, l.raw, r.rejected_at
FROM ops.rejected_records r JOIN ops.rejected_lines l ON l.hash = r.raw_hash;
`;
