/** Helpers shared by the Espruino implementations. */

/** The text of a caught exception (Espruino throws Error-like objects). */
export function messageOf(e: unknown): string {
  const message = e !== null && typeof e === 'object' ? (e as { message?: unknown }).message : e;
  return String(message);
}
