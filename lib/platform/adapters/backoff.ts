export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Exponential backoff with full jitter (a uniform wait in [0, base * 2^retry), capped): concurrent
 * retriers spread out instead of colliding again.
 */
export const fullJitter = (baseMs: number, retry: number, capMs = 1000): number => Math.random() * Math.min(capMs, baseMs * 2 ** retry);
