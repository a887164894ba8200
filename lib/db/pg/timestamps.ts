/**
 * A timestamptz as PostgreSQL writes it in a UTC session with the ISO DateStyle (the driver
 * hands it over as text): "2026-11-26 08:30:00.12+00", the fraction without trailing zeros.
 */
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?\+00$/;

/**
 * The value as `Date#toISOString()` writes it. Rearranged by hand for the form the application's
 * sessions get: `new Date` parsing that text was most of the cost of reading a page of history.
 * Any other form (another DateStyle or zone) goes through `Date` as it always did.
 */
export function isoTimestamp(text: string): string {
  const parts = UTC_TEXT.exec(text);
  if (!parts) return new Date(text).toISOString();
  return `${parts[1]}T${parts[2]}.${(parts[3] ?? "").padEnd(3, "0")}Z`;
}
