// A training project's command: `{name}` placeholders filled with shell-quoted parameter values.
// Pure: the runner decides how to run the rendered text (`sh -c`).

/** A piece of a command template: literal shell text, or a parameter's placeholder. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'parameter'; readonly name: string };

/** A command split into literal text and placeholders. */
export interface CommandTemplate {
  readonly parts: readonly TemplatePart[];
  /** The parameters named by placeholders, each once, in order of first use. */
  readonly parameters: readonly string[];
}

const PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/;

/**
 * Splits a command into text and placeholders:
 * - `{name}` (a letter or `_`, then letters, digits, `_`) is the placeholder of parameter `name`;
 * - `{{` and `}}` are a literal `{` and `}` (to write `{name}` itself);
 * - `${…}` is left to the shell, so the runner's variables work: `--out ${FRESHET_OUTPUT_DIR}`;
 * - any other brace is literal text (`awk '{print $1}'`, `{a,b}`).
 *
 * @example
 * parseCommandTemplate('python train.py --trees {n_trees} --out "${FRESHET_OUTPUT_DIR}"').parameters
 * // ['n_trees']
 */
export function parseCommandTemplate(command: string): CommandTemplate {
  const parts: TemplatePart[] = [];
  const parameters: string[] = [];
  let text = '';
  let i = 0;
  while (i < command.length) {
    const ch = command.charAt(i);
    const next = command[i + 1];
    if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) {
      text += ch;
      i += 2;
    } else if (ch === '$' && next === '{') {
      // A shell expansion: copy through its closing brace (or the end, for the shell to reject).
      const close = command.indexOf('}', i + 2);
      const end = close < 0 ? command.length : close + 1;
      text += command.slice(i, end);
      i = end;
    } else if (ch === '{') {
      const match = PLACEHOLDER.exec(command.slice(i));
      if (match === null) {
        text += ch;
        i++;
      } else {
        if (text !== '') parts.push({ kind: 'text', text });
        text = '';
        const name = match[1] ?? ''; // PLACEHOLDER's one group always takes part
        parts.push({ kind: 'parameter', name });
        if (!parameters.includes(name)) parameters.push(name);
        i += match[0].length;
      }
    } else {
      text += ch;
      i++;
    }
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return { parts, parameters };
}

/**
 * Quotes a value for a POSIX shell: inside single quotes nothing is special (spaces, `$`, `` ` ``,
 * `\`, newlines, `$(…)`), and an embedded single quote becomes `'\''` (close, escaped quote, reopen).
 *
 * @example shellQuote("it's $(rm -rf /)") === `'it'\\''s $(rm -rf /)'`
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * Fills every placeholder with its value, shell-quoted (always, even when the value looks safe,
 * so no value can become more than one word or any code).
 *
 * @throws Error when a placeholder has no value (project validation rules this out beforehand)
 */
export function fillTemplate(
  template: CommandTemplate,
  values: Readonly<Record<string, string>>,
): string {
  return template.parts
    .map((part) => {
      if (part.kind === 'text') return part.text;
      const value = Object.hasOwn(values, part.name) ? values[part.name] : undefined;
      if (value === undefined) throw new Error(`no value for placeholder {${part.name}}`);
      return shellQuote(value);
    })
    .join('');
}
