/**
 * The envelopes of incoming messages, each defined once as a zod schema (the definition, the OpenAPI
 * documentation and the wording of every rejection) with, where it is checked on every message, a fast
 * hand-written check proven to agree with it (src/env/schemas.ts Envelope):
 *
 * - the POST /step body (upstream's StepRequest, plus our optional episode_id);
 * - a /ws message (`{"type": ..., "data": ...}`, extra keys refused as upstream's pydantic models do);
 * - a JSON-RPC request (zod only: JSON-RPC is not on the hot path);
 * - the /web page's agent runs (zod only).
 *
 * The step's action inside them is the env's (src/env/schemas.ts actionEnvelope).
 */
import { z } from 'zod';
import { type Envelope, isRecord, onlyKeys, ResetRequest } from '../../env/schemas.js';

const STEP_SHAPE =
  'POST /step takes {"action": {"type": "call_tool", "tool_name": ..., "arguments": {...}}} with the X-Episode-Token header /reset handed out';

export const StepRequest = z
  .object({
    action: z.record(z.string(), z.unknown(), {
      error: (iss) =>
        iss.input === undefined
          ? `Field required: wrap the action. ${STEP_SHAPE}`
          : `the action must be a JSON object. ${STEP_SHAPE}`,
    }),
    episode_id: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe(
        "optional: the episode to step, which must be the X-Episode-Token's (or ?episode_id=, or X-Episode-Id)",
      ),
    timeout_s: z.number().positive().optional().describe('accepted for compatibility; tools never block'),
    request_id: z.string().max(255).optional().describe('accepted for compatibility; never echoed'),
  })
  .catchall(z.unknown());
export type StepRequest = z.infer<typeof StepRequest>;

const optional = <T>(v: unknown, is: (v: unknown) => v is T): boolean => v === undefined || is(v);
const isEpisodeId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 255;
const isTimeout = (v: unknown): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v);
const isRequestId = (v: unknown): v is string => typeof v === 'string' && v.length <= 255;

export const stepRequestEnvelope: Envelope<StepRequest> = {
  what: 'step request',
  schema: StepRequest,
  fast: (raw) =>
    isRecord(raw) &&
    isRecord(raw.action) &&
    optional(raw.episode_id, isEpisodeId) &&
    optional(raw.timeout_s, isTimeout) &&
    optional(raw.request_id, isRequestId)
      ? (raw as StepRequest)
      : null,
};

const payload = z.record(z.string(), z.unknown());

/** /ws client messages by type. */
const WsMessages = {
  reset: z.object({ type: z.literal('reset'), data: payload.optional() }).strict(),
  step: z.object({ type: z.literal('step'), data: payload }).strict(),
  state: z.object({ type: z.literal('state') }).strict(),
  close: z.object({ type: z.literal('close') }).strict(),
  mcp: z.object({ type: z.literal('mcp'), data: payload }).strict(),
} as const;
export type WsMessageType = keyof typeof WsMessages;
export const WS_MESSAGE_TYPES = Object.keys(WsMessages) as WsMessageType[];

export const WsMessage = z.discriminatedUnion('type', [
  WsMessages.reset,
  WsMessages.step,
  WsMessages.state,
  WsMessages.close,
  WsMessages.mcp,
]);
export type WsMessage = z.infer<typeof WsMessage>;

/** Whether each message type takes `data`: required, optional or absent (the keys WsMessages allows). */
const DATA: Record<WsMessageType, 'required' | 'optional' | 'absent'> = {
  reset: 'optional',
  step: 'required',
  state: 'absent',
  close: 'absent',
  mcp: 'required',
};
const MESSAGE_KEYS = ['type', 'data'] as const;

/** Whether `type` names a /ws message (an own key of WsMessages, never an inherited one). */
export const isWsMessageType = (type: unknown): type is WsMessageType =>
  typeof type === 'string' && Object.hasOwn(DATA, type);

export const wsMessageEnvelope: Envelope<WsMessage> = {
  what: 'message',
  schema: WsMessage,
  fast: (raw) => {
    if (!isRecord(raw) || !isWsMessageType(raw.type) || !onlyKeys(raw, MESSAGE_KEYS)) return null;
    const rule = DATA[raw.type];
    const ok = raw.data === undefined ? rule !== 'required' : rule !== 'absent' && isRecord(raw.data);
    return ok ? (raw as WsMessage) : null;
  },
};

/** A JSON-RPC request: extra keys refused, params an object (an array is invalid), as upstream's model. */
export const JsonRpcRequest = z
  .object({
    jsonrpc: z.literal('2.0'),
    method: z.string(),
    params: z.record(z.string(), z.unknown()).default({}),
    id: z.union([z.string(), z.number().int()]).nullable().optional(),
  })
  .strict();

/** POST /web/agent-run: which agent plays which episode (task, seed and profile as a reset takes them). */
export const AgentRunRequest = ResetRequest.pick({ task_id: true, seed: true, profile: true }).extend({
  agent: z.string().min(1).max(64).describe('an agent of GET /web/agents: reference, or a persona'),
});
export type AgentRunRequest = z.infer<typeof AgentRunRequest>;
