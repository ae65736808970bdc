/**
 * `comtradebench eval` flags: the API key comes from --api-key-env (a missing variable is fine for local
 * servers), temperature, max tokens and the label reach the provider and the records, the provider's
 * retries and timeout are the flags', and every bad flag is a usage error (exit 2) naming the flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { NO_API_KEY } from '../../src/eval/provider.js';
import { captureIo, cli, evalFlags } from './helpers.js';
import { FakeProvider } from './fake-provider.js';
import { policy } from './scripts.js';

let provider: FakeProvider;
beforeAll(async () => {
  provider = await FakeProvider.start({ script: policy() });
});
afterAll(() => provider.close());

describe('eval flags', () => {
  it('sends the key from --api-key-env, the temperature and max tokens, and labels the records', async () => {
    const from = provider.log.length;
    const run = await cli(
      'eval',
      evalFlags(provider.baseUrl, 'fake', [
        '--tasks',
        'T1',
        '--seeds',
        '4',
        '--api-key-env',
        'MY_KEY',
        '--temperature',
        '0.2',
        '--max-tokens',
        '512',
        '--agent-label',
        'fake@t0.2',
      ]),
      { env: { MY_KEY: 'sk-test-123' } },
    );
    expect(run.code, run.io.stderr).toBe(0);
    const sent = provider.log.slice(from);
    expect(sent.every((r) => r.auth === 'Bearer sk-test-123')).toBe(true);
    expect(sent[0]!.body).toMatchObject({ model: 'fake', temperature: 0.2, max_tokens: 512 });
    expect(run.episodes[0]).toMatchObject({ agent: 'fake@t0.2', model: 'fake', profile: 'llm' });
    expect(run.io.stdout).toContain('model fake (fake@t0.2), profile llm');
  });

  it('runs without a key for servers that need none', async () => {
    const from = provider.log.length;
    const run = await cli('eval', evalFlags(provider.baseUrl, 'fake', ['--tasks', 'T1', '--seeds', '4']), {
      env: {},
    });
    expect(run.code, run.io.stderr).toBe(0);
    expect(provider.log[from]!.auth).toBe(`Bearer ${NO_API_KEY}`);
    expect(provider.log[from]!.body.temperature).toBeUndefined();
  });

  it('--provider-retries sets how many 429s the SDK sits out before the run stops (exit 1)', async () => {
    const limited = await FakeProvider.start({ script: policy(), rateLimited: (n) => n <= 3 });
    try {
      const job = ['--tasks', 'T1', '--seeds', '4'];
      const short = await cli(
        'eval',
        evalFlags(limited.baseUrl, 'fake', [...job, '--provider-retries', '1']),
      );
      expect(short.code).toBe(1);
      expect(short.io.stderr).toContain('the model endpoint failed: 429');
      expect(short.episodes).toHaveLength(0);
      // Requests 1 and 2 went to the first run; the third is refused, then the SDK's retry goes through.
      const enough = await cli(
        'eval',
        evalFlags(limited.baseUrl, 'fake', [...job, '--provider-retries', '1']),
      );
      expect(enough.code, enough.io.stderr).toBe(0);
      expect(enough.episodes[0]!.score).toBeGreaterThanOrEqual(99);
      expect(limited.log.slice(0, 4).map((r) => r.status)).toEqual([429, 429, 429, 200]);
    } finally {
      await limited.close();
    }
  });

  it('--provider-timeout gives up on a provider slower than it (with no retries: exit 1)', async () => {
    const slow = await FakeProvider.start({ script: policy(), delayMs: 1500 });
    try {
      const run = await cli(
        'eval',
        evalFlags(slow.baseUrl, 'fake', [
          ...['--tasks', 'T1', '--seeds', '4', '--provider-timeout', '0.2', '--provider-retries', '0'],
        ]),
      );
      expect(run.code).toBe(1);
      expect(run.io.stderr).toMatch(/the model endpoint failed: .*timed out/i);
    } finally {
      await slow.close();
    }
  });

  it.each([
    [
      ['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--provider-retries', '-1'],
      '--provider-retries',
    ],
    [
      ['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--provider-timeout', '0'],
      '--provider-timeout',
    ],
    [['eval', '--model', 'm'], '--base-url'],
    [['eval', '--base-url', 'ftp://x/v1', '--model', 'm'], '--base-url'],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1'], '--model'],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--max-turns', '0'], '--max-turns'],
    [
      ['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--temperature', 'hot'],
      '--temperature',
    ],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--max-tokens', '-5'], '--max-tokens'],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--repeats', '1.5'], '--repeats'],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--concurrency', '0'], '--concurrency'],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--resume'], '--resume'],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--url', 'ftp://h'], '--url'],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--tasks', 'T99'], "unknown task 'T99'"],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--seeds', 'x'], "bad seed 'x'"],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--profile', 'huge'], '--profile: '],
    [['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--bogus'], '--bogus'],
    [['rescore'], 'rescore takes one FILE'],
  ])('%j is a usage error naming %s', async (argv, named) => {
    const io = captureIo();
    const code = await runCli(argv, io);
    expect(io.stderr).toContain(named);
    expect(code).toBe(2);
  });
});
