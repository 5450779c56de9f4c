/**
 * Dates as SQL literals for raw queries, written as the models write them (the connection's time
 * zone is UTC): a bare Date replacement would drop the milliseconds of a DATETIME(3) column.
 */

/** For a DATETIME(3) column: UTC, to the millisecond. */
export const utcMilliseconds = (date: Date): string => date.toISOString().replace('T', ' ').replace('Z', '');

/** For a DATETIME column: UTC, whole seconds (cut, as the models cut them, never rounded). */
export const utcSeconds = (date: Date): string => utcMilliseconds(date).slice(0, 19);
