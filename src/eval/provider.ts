/**
 * The model endpoint: any OpenAI-compatible Chat Completions server with tool calling, through the
 * official `openai` SDK. The SDK retries the provider's own 429, 408, 409 and 5xx answers with backoff
 * (honouring retry-after) and times requests out; the harness adds no HTTP of its own.
 */
import OpenAI, { APIConnectionError, APIError, InternalServerError, RateLimitError } from 'openai';

/** Provider retries per request (the SDK's exponential backoff, or the provider's retry-after). */
export const PROVIDER_MAX_RETRIES = 6;
/** Per-request timeout: long enough for a slow local model to write a long answer. */
export const PROVIDER_TIMEOUT_MS = 10 * 60 * 1000;
/** The API key the SDK is given when the key's variable is unset (local servers need none). */
export const NO_API_KEY = 'no-key';

export interface ProviderOptions {
  readonly baseURL: string;
  /** The key; undefined for servers that need none. */
  readonly apiKey: string | undefined;
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
}

export function openProvider(opts: ProviderOptions): OpenAI {
  return new OpenAI({
    baseURL: opts.baseURL,
    apiKey: opts.apiKey === undefined || opts.apiKey === '' ? NO_API_KEY : opts.apiKey,
    maxRetries: opts.maxRetries ?? PROVIDER_MAX_RETRIES,
    timeout: opts.timeoutMs ?? PROVIDER_TIMEOUT_MS,
  });
}

/**
 * How providers word a refused context: OpenAI (`context_length_exceeded`), vLLM ("maximum context length
 * is N tokens"), llama.cpp ("exceeds the available context size", `exceed_context_size_error`), TGI
 * ("tokens + max_new_tokens must be <= N"), and "prompt is too long" / "too many tokens" elsewhere.
 */
const CONTEXT_REFUSED =
  /context[_ ]length|context size|context window|maximum context|prompt is too long|too many tokens|max_new_tokens must be/i;

/** True when the provider refused the request because the conversation no longer fits its context. */
export function isContextOverflow(e: unknown): boolean {
  if (!(e instanceof APIError)) return false;
  // Answers the SDK retried until it gave up are not about the context.
  if (e instanceof APIConnectionError || e instanceof RateLimitError || e instanceof InternalServerError)
    return false;
  const body = e.error as { code?: unknown; type?: unknown; message?: unknown } | undefined;
  const words = [e.code, e.type, body?.code, body?.type, body?.message, e.message].map((x) =>
    typeof x === 'string' ? x : '',
  );
  return words.some((w) => CONTEXT_REFUSED.test(w));
}
