/**
 * Shutdown reaches every WebSocket, not only the sessions' ones: an upgrade to a route without a WebSocket
 * handler (GET /health) is accepted and then closed by @fastify/websocket; a client that never answers that
 * close (nor the server's 1001) is dropped after SOCKET_CLOSE_GRACE_MS (src/server/plugins/sockets.ts),
 * instead of holding app.close() for ws's 30 s close timeout.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { SOCKET_CLOSE_GRACE_MS } from '../../src/server/plugins/sockets.js';
import { buildApp } from '../../src/server/app.js';
import { testConfig, waitFor } from './helpers.js';

/** A raw TCP client that completes a WebSocket handshake on `path` and then never reads or writes again. */
async function silentUpgrade(port: number, path: string): Promise<{ socket: Socket; head: string }> {
  const socket = connect(port, '127.0.0.1');
  let head = '';
  socket.on('data', (d) => (head += d.toString('latin1')));
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  await waitFor(() => head.includes('\r\n\r\n'), 5000);
  return { socket, head };
}

it('app.close() drops an upgraded socket on a non-WebSocket route that never answers its close', async () => {
  const app = buildApp(testConfig());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const { socket, head } = await silentUpgrade(port, '/health');
  expect(head.startsWith('HTTP/1.1 101')).toBe(true);
  let socketClosed = false;
  socket.once('close', () => (socketClosed = true));
  let appClosed = false;
  const closing = app.close().then(() => (appClosed = true));
  // Bounded by the grace plus slack for a loaded machine; without the drop, ws waits 30 s.
  await waitFor(() => appClosed && socketClosed, SOCKET_CLOSE_GRACE_MS + 8000);
  await closing;
});
