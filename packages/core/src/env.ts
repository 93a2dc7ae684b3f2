/**
 * Reads an environment variable on any runtime: Node, Bun and Deno expose
 * `process.env` (Deno behind a permission); edge runtimes have none, and then
 * the answer is simply "not set" instead of a ReferenceError at import.
 */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  } catch {
    return undefined;
  }
}
