/**
 * Cuts every `"managedFields": [...]` member out of a JSON text before it is parsed. A pod's managedFields
 * are about half of its JSON and most of its objects (fieldsV1 is a tree of empty maps); nothing in Fulcrum
 * reads them, and parsing them was the largest part of a 150,000-pod list's CPU time and garbage.
 *
 * Guarantees: the result parses to the same value as `text` minus those members, wherever they are, and
 * `text` that holds none comes back unchanged. A `"managedFields":` inside a string value is never taken
 * for a member: inside a string every quote is escaped, and a member must follow `{` or `,`.
 */
const NEEDLE = '"managedFields":';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function stripManagedFieldsText(text: string): string {
  let at = text.indexOf(NEEDLE);
  if (at < 0) return text;
  const parts: string[] = [];
  let copiedTo = 0;
  while (at >= 0) {
    const before = previousToken(text, at);
    const valueEnd = before === -1 ? -1 : skipValue(text, skipSpace(text, at + NEEDLE.length));
    if (valueEnd < 0) {
      at = text.indexOf(NEEDLE, at + NEEDLE.length);
      continue;
    }
    const after = skipSpace(text, valueEnd);
    // `{"managedFields":[...],"a":1}` loses the member and the comma after it; a last member loses the
    // comma before it; an only member leaves `{}`.
    let cutFrom = at;
    let cutTo = valueEnd;
    if (text.charCodeAt(after) === 0x2c) cutTo = after + 1;
    else if (text.charCodeAt(before) === 0x2c) cutFrom = before;
    parts.push(text.slice(copiedTo, cutFrom));
    copiedTo = cutTo;
    at = text.indexOf(NEEDLE, cutTo);
  }
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

/** Index of the `{` or `,` before the key at `at` (whitespace skipped), or -1 if the key follows neither. */
function previousToken(text: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  const c = text.charCodeAt(i);
  return c === 0x7b || c === 0x2c ? i : -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * The index just past the JSON value starting at `start` (an array, object, string or literal), or -1 if
 * the text ends first.
 */
function skipValue(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
      if (i < 0) return -1;
      if (depth === 0) return i + 1;
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    } else if (depth === 0 && (c === 0x2c || isSpace(c))) return i;
  }
  return -1;
}

/** The index of the quote closing the string whose opening quote is at `open`, or -1. */
function endOfString(text: string, open: number): number {
  let i = text.indexOf('"', open + 1);
  while (i >= 0) {
    let backslashes = 0;
    for (let j = i - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
    i = text.indexOf('"', i + 1);
  }
  return -1;
}
