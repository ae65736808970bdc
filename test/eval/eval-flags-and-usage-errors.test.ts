/**
 * `comtradebench eval` flags: the API key comes from --api-key-env (a missing variable is fine for local
 * servers), temperature, max tokens and the label reach the provider and the records, and every bad flag is
 * a usage error (exit 2) naming the flag.
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

  it.each([
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
