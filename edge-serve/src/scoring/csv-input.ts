// MLflow's scoring protocol, the CSV half: `text/csv` with a header row (what pandas'
// DataFrame.to_csv writes) → named rows. Fields follow RFC 4180 (double quotes, `""` inside them);
// values must be decimal numbers. Pure.
import { badRequest } from '../http-problem.ts';
import type { RowSource } from './scoring-input.ts';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a CSV body: the first line names the columns, each further non-empty line is a row of
 * numbers (matched to the model's features by name later; extra columns are ignored).
 *
 * @throws HttpProblem 400 for an empty body, a bad quote, a row with another number of fields
 *   than the header, or a value that is not a number
 * @example readCsvInput('a,b\n1,2\n') // { kind: 'rows', columns: ['a', 'b'], rows: [[1, 2]] }
 */
export function readCsvInput(text: string): RowSource {
  const lines = splitRecords(text.replace(/^\uFEFF/, ''));
  const header = lines[0];
  if (header === undefined) {
    throw badRequest('the CSV body is empty: it needs a header row naming the columns');
  }
  const columns = header.fields;
  const rows = lines.slice(1).map(({ fields, line }) => {
    if (fields.length !== columns.length) {
      throw badRequest(
        `CSV line ${line} has ${fields.length} fields, but the header names ${columns.length} columns`,
      );
    }
    return fields.map((field, j) => {
      const text = field.trim();
      if (!NUMBER.test(text)) {
        throw badRequest(
          `CSV line ${line}, column ${JSON.stringify(columns[j])}: ${text === '' ? 'an empty field (NaN)' : JSON.stringify(text)} is not a number`,
        );
      }
      return Number(text);
    });
  });
  return { kind: 'rows', columns, rows };
}

/** Non-blank records with their fields, and the (1-based) line each starts on. */
function splitRecords(text: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let afterQuote = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]?.trim() === '')) records.push({ fields, line: start });
    fields = [];
    field = '';
    afterQuote = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        afterQuote = true;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '' && !afterQuote) {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      afterQuote = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else if (afterQuote || c === '"') {
      throw badRequest(`CSV line ${line}: a quote may only enclose a whole field`);
    } else {
      field += c;
    }
  }
  if (quoted) throw badRequest(`CSV line ${start}: a quoted field is never closed`);
  endRecord();
  return records;
}
