/** Waits until find() returns something (polling every 20 ms), or fails with what was seen. */
export async function pollFor<T>(find: () => T | undefined, failure: () => string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = find();
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((r) => setTimeout(r, 20));
  }
}
