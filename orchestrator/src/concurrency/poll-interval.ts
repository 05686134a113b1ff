// How often a queued lease waiter looks again.

/** A waiter far back in the queue polls at most this many times more slowly than `pollMs`. */
export const MAX_POLL_STRETCH = 8;

/**
 * How long a queued waiter sleeps before it looks again. Each release lets one waiter through, so
 * a waiter with k full rounds of waiters ahead of it cannot be granted before k more releases:
 * it polls k times more slowly (up to MAX_POLL_STRETCH). Dozens of CLIs queued at once then cost
 * little CPU, while the next in line still see a freed slot within one `pollMs`.
 */
export function pollInterval(pollMs: number, position: number, limit: number): number {
  const rounds = Math.ceil(position / limit);
  return pollMs * Math.min(MAX_POLL_STRETCH, Math.max(1, rounds));
}
