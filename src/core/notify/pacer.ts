/**
 * Keeps a channel under its platform's rate for the app: at most `perSecond` calls start
 * in any second, with a burst of up to one second's worth after a quiet spell. Callers
 * beyond it wait their turn, in order, instead of each earning a 429. (The generic cell
 * rate algorithm: `due` is when the next call would be on time at an even pace.)
 */
export interface Pacer {
  take(): Promise<void>;
}

export function createPacer(perSecond: number, now: () => number = () => performance.now()): Pacer {
  const interval = 1000 / perSecond;
  const burst = (perSecond - 1) * interval;
  let due = -Infinity;
  return {
    take: async () => {
      const t = now();
      due = Math.max(due, t);
      const wait = due - burst - t;
      due += interval;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    },
  };
}
