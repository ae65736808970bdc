/**
 * A remote environment over OpenEnv's /ws session protocol, as the upstream Python EnvClient speaks it:
 * lockstep request/reply, reset with {task_id, seed, profile}, and tools through `step` call_tool actions.
 * Agents use it through EnvConnection exactly like InProcessEnv (src/env/in-process.ts), and replies are
 * mapped by the same toolReplyOf, so the same agent gives the same scores and sees the same replies.
 */
import WebSocket from 'ws';
import {
  type EnvConnection,
  MissingToolResult,
  refusedStep,
  type ResetOptions,
  type StepTriple,
  type ToolErrorValue,
  type ToolReply,
  toolReplyOf,
} from '../env/connection.js';

export { type StepTriple, toolReplyOf } from '../env/connection.js';

/** Like the Python client: strip a trailing /, http(s) -> ws(s), no scheme -> ws, then append /ws. */
export function wsUrlOf(base: string): string {
  let url = base.trim().replace(/\/+$/, '');
  if (url.startsWith('http://')) url = `ws://${url.slice('http://'.length)}`;
  else if (url.startsWith('https://')) url = `wss://${url.slice('https://'.length)}`;
  else if (!/^wss?:\/\//.test(url)) url = `ws://${url}`;
  return `${url}/ws`;
}

/** How RemoteEnv.connect opens its session. */
export interface ConnectOptions {
  /** Handshake timeout (default 10 s). */
  readonly timeoutMs?: number;
  readonly resultFormat?: 'full' | 'compact';
  /** The server's API_KEY, when it sets one. */
  readonly apiKey?: string | undefined;
  /** Where the caller reads the key from, said when the server refuses the upgrade with 401. */
  readonly apiKeyHint?: string | undefined;
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
   * Agents see the same values either way. `apiKey` is sent as `Authorization: Bearer <key>` on the
   * upgrade, for a server that sets API_KEY.
   */
  static async connect(baseUrl: string, opts: ConnectOptions = {}): Promise<RemoteEnv> {
    const url = wsUrlOf(baseUrl);
    const socket = new WebSocket(url, {
      handshakeTimeout: opts.timeoutMs ?? 10_000,
      maxPayload: 100 * 1024 * 1024,
      ...(opts.apiKey === undefined ? {} : { headers: { authorization: `Bearer ${opts.apiKey}` } }),
    });
    const env = new RemoteEnv(socket, url, opts.resultFormat);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => {
        socket.terminate();
        const refused =
          opts.apiKey === undefined
            ? 'the server needs its API key (Authorization: Bearer <API_KEY>)'
            : 'the server refused the API key';
        const hint =
          res.statusCode !== 401
            ? "pass the server's base URL, e.g. ws://127.0.0.1:8000"
            : [refused, opts.apiKeyHint].filter((t) => t !== undefined).join('; ');
        reject(
          new RemoteEnvError(`cannot connect to ${url}: HTTP ${res.statusCode}; ${hint}`, 'CONNECTION_ERROR'),
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
    if (opts.row_format !== undefined) data.row_format = opts.row_format;
    if (opts.episode_id !== undefined) data.episode_id = opts.episode_id;
    if (opts.agent_label !== undefined) data.agent_label = opts.agent_label;
    if (this.resultFormat !== undefined) data.result_format = this.resultFormat;
    const t = (await this.expect({ type: 'reset', data }, 'observation')) as unknown as StepTriple;
    return t.observation;
  }

  /** The raw OpenEnv step (any action); returns the observation triple. */
  async step(action: Record<string, unknown>): Promise<StepTriple> {
    return (await this.expect({ type: 'step', data: action }, 'observation')) as unknown as StepTriple;
  }

  /**
   * A tool call as a call_tool step. A step the server refuses as a whole (VALIDATION_ERROR for its
   * envelope, EXECUTION_ERROR after the end) comes back as the same tool error an in-process call gives.
   */
  async callTool(name: string, args: Record<string, unknown>): Promise<ToolReply> {
    const frame = await this.request({
      type: 'step',
      data: { type: 'call_tool', tool_name: name, arguments: args },
    });
    if (frame.type === 'error') {
      const refused = refusedError(frame);
      if (refused === null) throw errorOf(frame);
      return refusedStep(refused);
    }
    if (frame.type !== 'observation' || frame.data === undefined)
      throw new RemoteEnvError(`expected an 'observation' reply, got '${frame.type}'`, 'PROTOCOL_ERROR');
    try {
      return toolReplyOf(frame.data as unknown as StepTriple);
    } catch (e) {
      if (!(e instanceof MissingToolResult)) throw e;
      throw new RemoteEnvError(e.message, 'PROTOCOL_ERROR', { observation: e.observation });
    }
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

/** Step error frames that refuse the one step and keep the session: the step's typed error, as in-process. */
const REFUSED_STEP = new Set(['VALIDATION_ERROR', 'EXECUTION_ERROR']);

/**
 * The catalogue error of a refused step, rebuilt from its frame (`cb_code`; a VALIDATION_ERROR frame
 * carries the error's own message as `detail`), or null for any other frame.
 */
function refusedError(frame: Frame): ToolErrorValue | null {
  const { message, code, cb_code, detail, ...details } = frame.data ?? {};
  if (!REFUSED_STEP.has(String(code)) || typeof cb_code !== 'string') return null;
  return { code: cb_code, message: String(detail ?? message), ...details };
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
export function connectRemote(url: string, opts: ConnectOptions = {}): Promise<RemoteEnv> {
  return RemoteEnv.connect(url, opts);
}
