/**
 * Owns one V8 detail: strings built by concatenation are ropes (trees of pieces) until they are
 * read as a whole. A rope kept for long costs several times its text in memory, and copying it
 * into every page costs more than copying a flat string. `flat` makes V8 flatten a string now.
 */
export function flat(text: string): string {
  // A number conversion reads the whole string, which flattens it in place.
  void Number(text);
  return text;
}
