/** The receiver took the webhook (a 2xx answer); anything else is retried by the vendor. */
export const webhookTaken = (status: number | null): boolean =>
  status !== null && status >= 200 && status < 300;

/**
 * A stand-in's pending retries of webhooks the receiver did not take, as the vendors send them:
 * again after each delay of a schedule, and all cancelled together when the stand-in closes.
 */
export class Redeliveries {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** After failed attempt `attempt` (0 is the first): runs `again` after its delay, if one is left. */
  schedule(delaysMs: readonly number[], attempt: number, again: () => void): void {
    const delay = delaysMs[attempt];
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      again();
    }, delay);
    this.timers.add(timer);
  }

  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
