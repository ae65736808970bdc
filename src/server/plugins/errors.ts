/**
 * Errors: every non-2xx reply is JSON, `{"error":{"code":"CB_ERR_*","message":...,"request_id":...},
 * "detail":...}` (src/server/wire/errors.ts), with the same request id in the `x-request-id` header of
 * every reply. Fastify's own errors (body parsing, limits, bad URLs) are mapped to catalogue errors here,
 * unknown routes are 404 and known routes with another method are 405 with `Allow`.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { BenchError } from '../../core/errors.js';
import { asBenchError, httpError } from '../wire/errors.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const pathOf = (req: FastifyRequest): string => req.url.split('?')[0] ?? '/';

/** Fastify's own errors (body parsing, limits, schema validation, bad URLs) as catalogue errors. */
export function frameworkError(e: unknown, req: FastifyRequest, maxBodyBytes: number): BenchError {
  if (e instanceof BenchError) return e;
  const err = e as {
    code?: string;
    statusCode?: number;
    message?: string;
    validation?: Array<{ keyword?: string; instancePath?: string; message?: string }>;
  };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BenchError('CB_ERR_BODY_TOO_LARGE', { max_body_bytes: maxBodyBytes });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new BenchError('CB_ERR_UNSUPPORTED_MEDIA_TYPE', {
        received: `Content-Type ${req.headers['content-type'] ?? '(none)'}`,
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BenchError('CB_ERR_INVALID_JSON', { reason: err.message ?? 'parse error' });
    case 'FST_ERR_BAD_URL':
      return new BenchError('CB_ERR_NOT_FOUND', { method: req.method, path: pathOf(req) });
  }
  if (Array.isArray(err.validation)) {
    return new BenchError('CB_ERR_VALIDATION', {
      what: 'request',
      errors: err.validation.map((v) => ({
        type: v.keyword ?? 'invalid',
        loc: (v.instancePath ?? '').split('/').filter(Boolean),
        msg: v.message ?? 'invalid',
      })),
    });
  }
  if (e instanceof SyntaxError && err.statusCode === 400)
    return new BenchError('CB_ERR_INVALID_JSON', { reason: err.message ?? 'parse error' });
  return asBenchError(e);
}

/** Sends a catalogue error as the JSON error body with its status and headers. */
export function replyError(req: FastifyRequest, reply: FastifyReply, e: BenchError): FastifyReply {
  const { status, headers, body } = httpError(e, req.id);
  // x-request-id is set here too: replies to framework errors (a malformed URL) skip the onSend hook below.
  return reply
    .code(status)
    .headers(headers)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-request-id', req.id)
    .send(body);
}

export interface ErrorsOptions {
  readonly maxBodyBytes: number;
}

const errors: FastifyPluginAsync<ErrorsOptions> = async (app, { maxBodyBytes }) => {
  app.setErrorHandler((err, req, reply) => {
    const e = frameworkError(err, req, maxBodyBytes);
    if (e.code === 'CB_ERR_INTERNAL') req.log.error({ err }, 'unhandled error');
    return replyError(req, reply, e);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = pathOf(req);
    const allow = METHODS.filter((m) => m !== req.method && app.hasRoute({ method: m, url: path }));
    if (allow.length === 0)
      return replyError(req, reply, new BenchError('CB_ERR_NOT_FOUND', { method: req.method, path }));
    reply.header('allow', allow.join(', '));
    return replyError(
      req,
      reply,
      new BenchError('CB_ERR_METHOD_NOT_ALLOWED', { method: req.method, path, allow }),
    );
  });

  // Callback-style: it runs on every reply, and an async hook costs a promise per request.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    done(null, payload);
  });
};

export default fp(errors, { name: 'errors' });
