/**
 * The model's episode: a chat-completions loop that relays and records, and does nothing else. The model
 * gets the system prompt, the reset observation and the environment's three tools with their own JSON
 * Schemas; each tool call it makes is executed as sent and the environment's reply goes back once, as the
 * tool message, in the exact JSON text the environment produced. The loop never retries, deduplicates,
 * filters, logs or submits for the model, and never reads a tool's result: it only learns from the
 * environment whether the episode is over.
 *
 * Endings: the episode ends when a reply says so (a submission, or the task's step limit); after
 * `maxTurns` model turns (`max_turns`); or when the provider refuses the conversation's context
 * (`context_overflow`). A turn without a tool call counts and is answered with a short nudge.
 */
import type OpenAI from 'openai';
import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { BenchError } from '../core/errors.js';
import { type EnvConnection, replyValue } from '../env/connection.js';
import { toolMessageText } from '../env/trajectory.js';
import { isContextOverflow } from './provider.js';
import { NO_TOOL_CALL_NUDGE, resetMessage, SYSTEM_PROMPT } from './prompt.js';

export type ModelEnding = 'ended' | 'max_turns' | 'context_overflow';

export interface ModelRun {
  /** The conversation as sent to the provider, with the model's last answer. */
  readonly messages: ChatCompletionMessageParam[];
  readonly ending: ModelEnding;
  readonly turns: number;
  /** Summed provider-reported usage; null when the provider reported none. */
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  /** Characters of every tool message the model received. */
  readonly toolChars: number;
  /** The tool_call id of each call sent to the environment, in order. */
  readonly toolCallIds: string[];
}

export interface ModelRunOptions {
  readonly client: OpenAI;
  readonly model: string;
  readonly maxTurns: number;
  readonly temperature?: number | undefined;
  readonly maxTokens?: number | undefined;
  /** Aborts the provider request in flight (Ctrl-C). */
  readonly signal?: AbortSignal | undefined;
}

/** The environment's tools as chat-completions function tools, with the environment's own JSON Schemas. */
export function toolsOf(observation: Record<string, unknown>): ChatCompletionFunctionTool[] {
  const specs = observation.tools as Array<{
    name: string;
    description: string;
    input_schema: Record<string, unknown>;
  }>;
  return specs.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.input_schema },
  }));
}

/**
 * A tool call's arguments as sent to the environment, or the typed error the model gets when they are not
 * JSON (nothing is sent then). An empty string is a call without arguments.
 */
function argumentsOf(call: ChatCompletionMessageFunctionToolCall): { args: unknown } | { error: string } {
  const text = call.function.arguments;
  if (text.trim() === '') return { args: {} };
  try {
    return { args: JSON.parse(text) };
  } catch (e) {
    const error = new BenchError('CB_ERR_INVALID_ARGUMENT', {
      tool: call.function.name,
      issues: [{ path: [], json_error: (e as Error).message }],
    });
    return { error: toolMessageText({ error: error.toJSON() }) };
  }
}

/**
 * One chat completion, abortable by `signal`. Each request gets its own signal, linked for its duration
 * only: the SDK leaves a listener on the signal it is given, so a shared one would collect one per turn.
 */
async function complete(
  client: OpenAI,
  body: OpenAI.ChatCompletionCreateParamsNonStreaming,
  signal: AbortSignal | undefined,
): Promise<OpenAI.ChatCompletion> {
  if (signal === undefined) return client.chat.completions.create(body);
  const request = new AbortController();
  const abort = () => request.abort();
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  try {
    return await client.chat.completions.create(body, { signal: request.signal });
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

/** Runs the model on an environment just reset (`observation` is the reset observation) until it ends. */
export async function runModel(
  env: EnvConnection,
  observation: Record<string, unknown>,
  opts: ModelRunOptions,
): Promise<ModelRun> {
  const tools = toolsOf(observation);
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: resetMessage(observation) },
  ];
  const toolCallIds: string[] = [];
  let turns = 0;
  let promptTokens: number | null = null;
  let completionTokens: number | null = null;
  let toolChars = 0;
  const run = (ending: ModelEnding): ModelRun => ({
    messages,
    ending,
    turns,
    promptTokens,
    completionTokens,
    toolChars,
    toolCallIds,
  });

  for (;;) {
    if (turns >= opts.maxTurns) return run('max_turns');
    let completion: OpenAI.ChatCompletion;
    try {
      completion = await complete(
        opts.client,
        {
          model: opts.model,
          messages,
          tools,
          ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
          ...(opts.maxTokens === undefined ? {} : { max_tokens: opts.maxTokens }),
        },
        opts.signal,
      );
    } catch (e) {
      if (isContextOverflow(e)) return run('context_overflow');
      throw e;
    }
    turns += 1;
    const usage = completion.usage;
    if (usage) {
      // Some servers leave a count out; it then adds nothing.
      promptTokens = (promptTokens ?? 0) + (usage.prompt_tokens ?? 0);
      completionTokens = (completionTokens ?? 0) + (usage.completion_tokens ?? 0);
    }
    const answer = completion.choices[0]?.message;
    const calls = (answer?.tool_calls ?? []).filter(
      (c): c is ChatCompletionMessageFunctionToolCall => c.type === 'function',
    );
    messages.push({
      role: 'assistant',
      content: answer?.content ?? null,
      ...(calls.length === 0
        ? {}
        : {
            tool_calls: calls.map((c) => ({
              id: c.id,
              type: 'function' as const,
              function: { name: c.function.name, arguments: c.function.arguments },
            })),
          }),
    });
    if (calls.length === 0) {
      messages.push({ role: 'user', content: NO_TOOL_CALL_NUDGE });
      continue;
    }
    for (const call of calls) {
      const parsed = argumentsOf(call);
      let content: string;
      let over = false;
      if ('error' in parsed) {
        content = parsed.error;
      } else {
        // The environment checks the arguments (an object, of the tool's schema) as the wire does.
        const reply = await env.callTool(call.function.name, parsed.args as Record<string, unknown>);
        toolCallIds.push(call.id);
        content = toolMessageText(replyValue(reply));
        over = reply.done;
      }
      toolChars += content.length;
      messages.push({ role: 'tool', tool_call_id: call.id, content });
      if (over) return run('ended');
    }
  }
}
