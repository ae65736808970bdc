/**
 * Fault kind `server_error` (500): a transient failure on a scheduled (page, attempt) slot. Retrying the
 * same page succeeds once the page's scheduled run of faults (at most `max_consecutive`) has passed.
 */
export const SERVER_ERROR = 'server_error' as const;
