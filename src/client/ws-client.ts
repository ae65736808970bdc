/**
 * A remote environment over OpenEnv's /ws session protocol, as the upstream Python EnvClient speaks it:
 * lockstep request/reply, reset with {task_id, seed, profile}, and tools through `step` call_tool actions.
 * Agents use it through EnvConnection exactly like InProcessEnv, so the same agent gives the same scores.
 */
import WebSocket from 'ws';
import { ERRORS } from '../core/errors.js';
import type { EnvConnection, ResetOptions, ToolReply } from '../env/connection.js';
import type { StepTriple } from '../env/schemas.js';

/** Like the Python client: strip a trailing /, http(s) -> ws(s), no scheme -> ws, then append /ws. */
export function wsUrlOf(base: string): string {
  let url = base.trim().replace(/\/+$/, '');
  if (url.startsWith('http://')) url = `ws://${url.slice('http://'.length)}`;
  else if (url.startsWith('https://')) url = `wss://${url.slice('https://'.length)}`;
  else if (!/^wss?:\/\//.test(url)) url = `ws://${url}`;
  return `${url}/ws`;
}

/** An error frame from the server (`{"type":"error","data":{message, code, ...}}`) or a dropped connection. */
export class RemoteEnvError extends Error {
  override name = 'RemoteEnvError';
  constructor(
    message: string,
    readonly code: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The catalogue code of a framework-level tool error type, when exactly one code has it (tool_not_found). */
function codeOfErrorType(errorType: string): string {
  const codes = Object.entries(ERRORS).filter(([, d]) => d.toolErrorType === errorType);
  return codes.length === 1 ? codes[0]![0] : errorType;
}

/**
 * A call_tool step's triple as a ToolReply, the way InProcessEnv reports it: the structured value, or the
 * tool error (from an is_error result, or the observation's framework error), done, and the reward when
 * the step ended the episode (null before, as in-process).
 */
export function toolReplyOf(t: StepTriple): ToolReply {
  const obs = t.observation;
  const reward = t.done ? t.reward : null;
  const fwError = obs.error as { error_type: string; message: string } | null | undefined;
  if (fwError)
    return {
      value: null,
      error: { code: codeOfErrorType(fwError.error_type), message: fwError.message },
      done: t.done,
      reward,
    };
  const result = obs.result as
    | { structured_content?: Record<string, unknown> | null; data?: unknown; is_error?: boolean }
    | null
    | undefined;
  if (result === null || result === undefined)
    throw new RemoteEnvError('the step observation has no tool result', 'PROTOCOL_ERROR', {
      observation: obs,
    });
  const value = (result.structured_content ?? result.data ?? null) as Record<string, unknown> | null;
  if (result.is_error) {
    const e = (value?.error ?? {}) as { code?: string; message?: string };
    return {
      value: null,
      error: { code: e.code ?? 'CB_ERR_INTERNAL', message: e.message ?? 'tool error' },
      done: t.done,
      reward,
    };
  }
  return { value, error: null, done: t.done, reward };
}

interface Frame {
  type: string;
  data?: Record<string, unknown>;
}

export class RemoteEnv implements EnvConnection {
  private readonly waiting: Array<{ resolve: (f: Frame) => void; reject: (e: Error) => void }> = [];
  /** Why the connection is unusable (set on close, or by an unsolicited error frame such as CAPACITY_REACHED). */
  private broken: Error | null = null;

  private constructor(
    private readonly socket: WebSocket,
    readonly url: string,
    /** Asked of the server at every reset (result_format); undefined: the server's default. */
    readonly resultFormat: 'full' | 'compact' | undefined,
  ) {
    socket.on('message', (raw) => {
      let frame: Frame;
      try {
        frame = JSON.parse(raw.toString()) as Frame;
      } catch {
        return this.fail(new RemoteEnvError(`the server sent a frame that is not JSON`, 'PROTOCOL_ERROR'));
      }
      const next = this.waiting.shift();
      if (next !== undefined) next.resolve(frame);
      else if (frame.type === 'error') this.fail(errorOf(frame));
    });
    socket.on('close', (code, reason) => {
      this.fail(
        new RemoteEnvError(
          `connection to ${url} closed (${code}${reason.length > 0 ? ` ${reason}` : ''})`,
          'CONNECTION_CLOSED',
          { close_code: code },
        ),
      );
    });
    socket.on('error', (err) =>
      this.fail(new RemoteEnvError(`connection to ${url} failed: ${err.message}`, 'CONNECTION_ERROR')),
    );
  }

  /**
   * Opens a connection to a server's /ws (give the base URL: http(s)://host:port or ws(s)://host:port).
   * `resultFormat` asks the server, at each reset, for `compact` results (tool values once, in `data`:
   * a third of the bytes to parse) or `full` ones; by default the server's TOOL_RESULT_FORMAT applies.
   * Agents see the same values either way.
   */
  static async connect(
    baseUrl: string,
    opts: { timeoutMs?: number; resultFormat?: 'full' | 'compact' } = {},
  ): Promise<RemoteEnv> {
    const url = wsUrlOf(baseUrl);
    const socket = new WebSocket(url, {
      handshakeTimeout: opts.timeoutMs ?? 10_000,
      maxPayload: 100 * 1024 * 1024,
    });
    const env = new RemoteEnv(socket, url, opts.resultFormat);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => {
        socket.terminate();
        reject(
          new RemoteEnvError(
            `cannot connect to ${url}: HTTP ${res.statusCode}; pass the server's base URL, e.g. ws://127.0.0.1:8000`,
            'CONNECTION_ERROR',
          ),
        );
      });
      socket.once('error', (err) =>
        reject(new RemoteEnvError(`cannot connect to ${url}: ${err.message}`, 'CONNECTION_ERROR')),
      );
    });
    return env;
  }

  private fail(e: Error): void {
    if (this.broken === null) this.broken = e;
    for (const w of this.waiting.splice(0)) w.reject(this.broken);
  }

  /** Sends one message and waits for its one reply (the protocol is lockstep; calls queue in order). */
  private request(msg: Record<string, unknown>): Promise<Frame> {
    if (this.broken !== null) return Promise.reject(this.broken);
    return new Promise<Frame>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.send(JSON.stringify(msg), (err) => {
        if (err)
          this.fail(new RemoteEnvError(`send to ${this.url} failed: ${err.message}`, 'CONNECTION_ERROR'));
      });
    });
  }

  private async expect(msg: Record<string, unknown>, type: string): Promise<Record<string, unknown>> {
    const frame = await this.request(msg);
    if (frame.type === 'error') throw errorOf(frame);
    if (frame.type !== type || frame.data === undefined)
      throw new RemoteEnvError(`expected a '${type}' reply, got '${frame.type}'`, 'PROTOCOL_ERROR');
    return frame.data;
  }

  /** Resets and returns the reset observation (task info, episode_id and tools). */
  async reset(opts: ResetOptions): Promise<Record<string, unknown>> {
    const data: Record<string, unknown> = { task_id: opts.task_id, seed: opts.seed };
    if (opts.profile !== undefined) data.profile = opts.profile;
    if (this.resultFormat !== undefined) data.result_format = this.resultFormat;
    const t = (await this.expect({ type: 'reset', data }, 'observation')) as unknown as StepTriple;
    return t.observation;
  }

  /** The raw OpenEnv step (any action); returns the observation triple. */
  async step(action: Record<string, unknown>): Promise<StepTriple> {
    return (await this.expect({ type: 'step', data: action }, 'observation')) as unknown as StepTriple;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ToolReply> {
    return toolReplyOf(await this.step({ type: 'call_tool', tool_name: name, arguments: args }));
  }

  async state(): Promise<Record<string, unknown>> {
    return this.expect({ type: 'state' }, 'state');
  }

  /** An MCP JSON-RPC request on this connection's session; returns the JSON-RPC response. */
  async mcp(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.expect({ type: 'mcp', data: request }, 'mcp');
  }

  /** Sends `close` (the server ends the session and closes the socket) and waits for the close. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((r) => this.socket.once('close', () => r()));
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'close' }));
    const timer = setTimeout(() => this.socket.terminate(), 5000);
    await closed;
    clearTimeout(timer);
  }
}

function errorOf(frame: Frame): RemoteEnvError {
  const data = frame.data ?? {};
  return new RemoteEnvError(
    `Server error: ${String(data.message)} (code: ${String(data.code)})`,
    String(data.cb_code ?? data.code),
    data,
  );
}

/** Opens a remote environment (one /ws session). */
export function connectRemote(
  url: string,
  opts: { resultFormat?: 'full' | 'compact' } = {},
): Promise<RemoteEnv> {
  return RemoteEnv.connect(url, opts);
}
