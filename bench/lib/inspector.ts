/** The V8 inspector of a server started with --inspect: force a full GC, read process.memoryUsage(). */
import WebSocket from 'ws';

export async function withInspector<T>(url: string, use: (call: Call) => Promise<T>): Promise<T> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const waiting = new Map<number, (m: { result?: unknown; error?: unknown }) => void>();
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { id?: number; result?: unknown; error?: unknown };
    if (m.id !== undefined) waiting.get(m.id)?.(m);
  });
  const call: Call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      waiting.set(n, (m) => {
        waiting.delete(n);
        if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result as Record<string, unknown>);
      });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  try {
    return await use(call);
  } finally {
    ws.close();
  }
}

export type Call = (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Two full GCs (the second collects what finalisers of the first released). */
export async function collectGarbage(call: Call): Promise<void> {
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
}

export async function memoryUsage(call: Call): Promise<Record<string, number>> {
  const r = (await call('Runtime.evaluate', {
    expression: 'JSON.stringify(process.memoryUsage())',
    returnByValue: true,
  })) as { result: { value: string } };
  return JSON.parse(r.result.value) as Record<string, number>;
}
