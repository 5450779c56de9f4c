/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbours (the
 * optimal string alignment distance): "SECERT" is one swap from "SECRET", as a typist sees it.
 */
export function editDistance(left: string, right: string): number {
  const rows = Array.from({ length: left.length + 1 }, (_, row) =>
    Array.from({ length: right.length + 1 }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number): number => rows[row]?.[column] ?? Number.POSITIVE_INFINITY;
  for (let row = 1; row <= left.length; row += 1) {
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = left[row - 1] === right[column - 1] ? 0 : 1;
      let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + substitution);
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) best = Math.min(best, at(row - 2, column - 2) + 1);
      (rows[row] ?? [])[column] = best;
    }
  }
  return at(left.length, right.length);
}

/**
 * The known name closest to `input`, ignoring letter case, when it is close enough to be a typo
 * of it (about one edit per four characters, at least one); null when none is.
 */
export function closestName(input: string, known: readonly string[]): string | null {
  const typed = input.toUpperCase();
  const allowed = Math.max(1, Math.floor(typed.length / 4));
  let closest: { name: string; distance: number } | null = null;
  for (const name of known) {
    const distance = editDistance(typed, name.toUpperCase());
    if (distance <= allowed && (closest === null || distance < closest.distance)) closest = { name, distance };
  }
  return closest?.name ?? null;
}
