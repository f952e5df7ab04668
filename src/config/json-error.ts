/**
 * Where a JSON text first goes wrong, as line and column (1-based), with what was expected there: JSON.parse on
 * Node 20 names a position for some errors and none for others ("Unexpected token"), and never a line.
 */
export interface JsonErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly expected: string;
}

export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw new JsonSyntax(i, expected);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail("a value (object, array, string, number, true, false or null)");
  };
  const string = () => {
    if (text[i] !== '"') fail("a double-quoted string");
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") fail("the closing quote before the end of the line");
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail('a valid escape (\\", \\\\, \\n, \\uXXXX, …)');
      }
      i++;
    }
    if (i >= text.length) fail("the closing quote");
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === "" || match[0] === "-")
      fail("a value (object, array, string, number, true, false or null)");
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"')
          fail(
            text[i] === "}"
              ? "another property after the comma (no trailing comma in JSON)"
              : "a double-quoted property name",
          );
        string();
        space();
        if (text[i] !== ":") fail("':' after the property name");
        i++;
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail("',' or '}' after the property value");
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] === "]") fail("another element after the comma (no trailing comma in JSON)");
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail("',' or ']' after the element");
      }
    }
    if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else number();
  };
  try {
    value();
    space();
    if (i < text.length) fail("the end of the file after the top-level value");
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split("\n").length;
    const column = error.offset - before.lastIndexOf("\n");
    return { line, column, expected: error.expected };
  }
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

/** `<file>:<line>:<column>: not valid JSON: expected …` and the line itself, or undefined for valid JSON. */
export function describeJsonError(text: string, file: string): string | undefined {
  const at = locateJsonError(text);
  if (!at) return undefined;
  const lineText = text.split("\n")[at.line - 1] ?? "";
  return `${file}:${at.line}:${at.column}: not valid JSON, expected ${at.expected} here:\n      ${lineText.trimEnd()}\n      ${" ".repeat(Math.max(at.column - 1, 0))}^`;
}
