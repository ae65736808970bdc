/**
 * A scripted OpenAI-compatible Chat Completions server on loopback (test scaffolding): POST
 * /v1/chat/completions answers with the tool calls its script decides from the request's conversation.
 * It can answer 429 (with retry-after-ms) to chosen requests, and refuse conversations longer than a
 * context limit the way hosted APIs do (400 context_length_exceeded).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message of the conversation as the provider receives it. */
export interface WireMessage {
  readonly role: string;
  readonly content?: string | null;
  readonly tool_call_id?: string;
  readonly tool_calls?: ReadonlyArray<{
    readonly id: string;
    readonly function: { readonly name: string; readonly arguments: string };
  }>;
}

/** What the scripted model answers: text, tool calls (arguments as the raw JSON text it "writes"), or both. */
export interface Turn {
  readonly content?: string | null;
  readonly calls?: ReadonlyArray<{ readonly name: string; readonly arguments: string }>;
}

export type Script = (messages: readonly WireMessage[]) => Turn;

export interface FakeProviderOptions {
  readonly script: Script;
  /** Request numbers (1-based, counting every HTTP request) answered 429 instead. */
  readonly rateLimited?: (request: number) => boolean;
  /** Conversations whose JSON is longer than this many characters are refused as too long. */
  readonly contextChars?: number;
  /** Milliseconds the model "thinks" before each completion. */
  readonly delayMs?: number;
}

export interface ReceivedRequest {
  readonly model: string;
  readonly messages: WireMessage[];
  readonly tools: Array<{ type: string; function: { name: string; parameters: unknown } }>;
  readonly temperature?: number;
  readonly max_tokens?: number;
}

export class FakeProvider {
  /** Every HTTP request received, in order, and how it was answered. */
  readonly log: Array<{ readonly status: number; readonly body: ReceivedRequest; readonly auth?: string }> =
    [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(opts: FakeProviderOptions): Promise<FakeProvider> {
    let provider: FakeProvider | null = null;
    const server = createServer((req, res) => {
      void answer(provider!, opts, req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    provider = new FakeProvider(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
    return provider;
  }

  /** Requests answered with a completion (model turns). */
  get completions(): number {
    return this.log.filter((r) => r.status === 200).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function answer(
  provider: FakeProvider,
  opts: FakeProviderOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
    return send(404, { error: { message: `no route ${req.method} ${req.url}` } });
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedRequest;
  const n = provider.log.length + 1;
  const auth = req.headers.authorization;
  if (opts.rateLimited?.(n)) {
    provider.log.push({ status: 429, body, auth });
    return send(
      429,
      {
        error: {
          message: 'Rate limit reached, retry shortly',
          type: 'rate_limit_error',
          code: 'rate_limit_exceeded',
        },
      },
      { 'retry-after-ms': '5' },
    );
  }
  const chars = JSON.stringify(body.messages).length;
  if (opts.contextChars !== undefined && chars > opts.contextChars) {
    provider.log.push({ status: 400, body, auth });
    return send(400, {
      error: {
        message: `This model's maximum context length is ${opts.contextChars} characters. However, your messages resulted in ${chars}.`,
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });
  }
  if (opts.delayMs !== undefined) await new Promise((r) => setTimeout(r, opts.delayMs));
  let turn: Turn;
  try {
    turn = opts.script(body.messages);
  } catch (e) {
    provider.log.push({ status: 500, body, auth });
    // x-should-retry false: a script failure is a test bug, not something for the SDK to retry.
    return send(
      500,
      { error: { message: `script failed: ${(e as Error).stack}` } },
      { 'x-should-retry': 'false' },
    );
  }
  provider.log.push({ status: 200, body, auth });
  const calls = turn.calls ?? [];
  send(200, {
    id: `chatcmpl-${n}`,
    object: 'chat.completion',
    created: 0,
    model: body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: turn.content ?? null,
          ...(calls.length === 0
            ? {}
            : {
                tool_calls: calls.map((c, i) => ({
                  id: `call_${n}_${i}`,
                  type: 'function',
                  function: { name: c.name, arguments: c.arguments },
                })),
              }),
        },
        finish_reason: calls.length === 0 ? 'stop' : 'tool_calls',
      },
    ],
    usage: {
      prompt_tokens: Math.ceil(chars / 4),
      completion_tokens: 10 + 5 * calls.length,
      total_tokens: Math.ceil(chars / 4) + 10 + 5 * calls.length,
    },
  });
}
