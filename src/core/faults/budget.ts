/**
 * Fault kind `budget`: the request budget. Once `request_budget` requests have been counted, every further
 * fetch_page gets 402 `budget_exhausted` (recorded in the trace, not counted, not a fault, no clock move).
 * T10 halves the usual budget, so only a plan that chooses a large page size first can finish.
 */
export function budgetExhausted(requestsUsed: number, budget: number): boolean {
  return requestsUsed >= budget;
}

export function requestsRemaining(requestsUsed: number, budget: number): number {
  return Math.max(0, budget - requestsUsed);
}
