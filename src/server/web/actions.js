// What a task's fetch_page takes, read from a task's constraints: a /tasks entry or a reset observation's
// `constraints` (both name them as get_task_info does; src/core/task-info.ts).

/** Pages reached by cursor (next_cursor, restart_cursor) instead of by number. */
export const usesCursor = (c) => c?.pagination === 'cursor';

/** fetch_page needs the auth_token that get_task_info issues. */
export const usesAuth = (c) => typeof c?.token_ttl_s === 'number';

/** Whether fetch_page's argument `name` applies to the task (page and cursor exclude each other). */
export function takesArgument(c, name) {
  if (name === 'page') return !usesCursor(c);
  if (name === 'cursor') return usesCursor(c);
  if (name === 'auth_token') return usesAuth(c);
  return true;
}

/**
 * The arguments of the task's first fetch_page: page 1, or no cursor on cursor tasks (a new listing at
 * page 1); with `token` (get_task_info's auth.auth_token) on tasks with auth.
 */
export function firstFetch(c, token) {
  const args = usesCursor(c) ? {} : { page: 1 };
  if (usesAuth(c)) args.auth_token = token;
  return args;
}
