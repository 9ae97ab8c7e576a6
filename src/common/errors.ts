/** The message of anything thrown, for logs and stored reasons (a thrown non-Error is stringified). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
