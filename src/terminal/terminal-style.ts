/**
 * How the CLI decorates text for a terminal: ANSI colors only when standard output is a terminal, NO_COLOR
 * is not set (https://no-color.org) and TERM is not "dumb"; block characters for bars only on a terminal, ASCII
 * otherwise, so piped output and CI logs stay plain and greppable.
 */

export type Color = 'red' | 'yellow' | 'green' | 'cyan' | 'dim' | 'bold';

const CODES: Record<Color, [number, number]> = {
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export interface TerminalStyle {
  color: boolean;
  unicode: boolean;
}

export const PLAIN: TerminalStyle = { color: false, unicode: false };

/** The style for a stream: `isTTY` and the environment decide. */
export function styleFor(isTTY: boolean | undefined, env: Record<string, string | undefined>): TerminalStyle {
  const terminal = isTTY === true && env.TERM !== 'dumb';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return { color: terminal && !noColor, unicode: terminal };
}

export function paint(style: TerminalStyle, color: Color | undefined, text: string): string {
  if (!style.color || color === undefined || text === '') return text;
  const [open, close] = CODES[color];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Visible width of `text`, ignoring ANSI color codes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}

/** Left-aligned columns separated by two spaces, as kubectl prints them; colors do not count towards width. */
export function columns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, c) =>
        c === row.length - 1 ? cell : cell + ' '.repeat((widths[c] ?? 0) - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd(),
  );
}
