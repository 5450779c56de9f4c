/**
 * MySQL compares text by its column's collation: utf8mb4_unicode_ci finds `admin@example.com` for
 * `admin@exämple.com`, `ａｄｍｉｎ@…` or `admin@example.com `, and even a binary collation ignores
 * trailing spaces (PAD SPACE). A lookup by a key a client sends lets the index find the row, then
 * keeps it only when the key is exactly the one asked for: a look-alike must never sign in as,
 * link to or delete someone else's row.
 */

/** ASCII letters lower-cased and nothing else: `toLowerCase` maps the Kelvin sign to `k`. */
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/** Two emails are one address when they are equal up to the case of ASCII letters (how they are stored). */
export const sameEmail = (stored: string, given: string): boolean => asciiLower(stored) === asciiLower(given);

/** `row` when every field of `key` holds exactly the value given (code points, trailing spaces included); else null. */
export function exactly<Row extends object>(row: Row | null, key: Partial<Row>): Row | null {
  if (row === null) return null;
  return (Object.keys(key) as Array<keyof Row>).every((field) => row[field] === key[field]) ? row : null;
}
