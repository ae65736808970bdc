// "Connect your agent": copy-paste snippets filled with this server's own address, making the chosen task's
// first fetch_page (a token from get_task_info first where the task needs one; no page on cursor tasks).
import { firstFetch, usesAuth, usesCursor } from './actions.js';
import { fill, h } from './dom.js';

/** A Python dict literal of fetch_page's arguments, the auth token as the variable `token`. */
const pyArgs = (args) =>
  `{${Object.entries(args)
    .map(([k, v]) => `"${k}": ${k === 'auth_token' ? 'token' : JSON.stringify(v)}`)
    .join(', ')}}`;

/** `task` is the task's /tasks entry. */
export function snippets(root, task, seed) {
  const taskId = task.id;
  const args = pyArgs(firstFetch(task, null));
  const auth = usesAuth(task);
  const next = usesCursor(task) ? 'the next page: {"cursor": the reply\'s next_cursor}' : null;
  const base = root.replace(/\/$/, '');
  const ws = `${base.replace(/^http/, 'ws')}/ws`;
  return [
    {
      title: 'Python: the OpenEnv client over /ws',
      note: 'pip install openenv-core',
      code: `from openenv.core.generic_client import GenericEnvClient

env = GenericEnvClient(base_url="${base}").sync()  # connects to ${ws}
r = env.reset(task_id="${taskId}", seed=${seed}, agent_label="my-agent")
print(r.observation["title"], r.observation["constraints"]["request_budget"])${
        auth
          ? `
info = env.step({"type": "call_tool", "tool_name": "get_task_info", "arguments": {}})
token = info.observation["result"]["data"]["auth"]["auth_token"]`
          : ''
      }
r = env.step({"type": "call_tool", "tool_name": "fetch_page",
              "arguments": ${args}})
print(r.observation["result"]["data"]["status"])${next === null ? '' : `  # ${next}`}
env.close()`,
    },
    {
      title: 'Python: an MCP client on /mcp',
      note: 'pip install mcp',
      code: `import asyncio
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client

URL = "${base}/mcp?task_id=${taskId}&seed=${seed}&agent_label=my-agent"

async def main():
    async with streamablehttp_client(URL) as (read, write, _):
        async with ClientSession(read, write) as mcp:
            await mcp.initialize()
            print([t.name for t in (await mcp.list_tools()).tools])${
              auth
                ? `
            info = await mcp.call_tool("get_task_info", {})
            token = info.structuredContent["auth"]["auth_token"]`
                : ''
            }
            page = await mcp.call_tool("fetch_page", ${args})
            print(page.structuredContent["status"])${next === null ? '' : `  # ${next}`}

asyncio.run(main())`,
    },
    {
      title: 'Evaluate a model (any OpenAI-compatible endpoint)',
      note: 'from a checkout: npm ci, then npx comtradebench …',
      code: `npx comtradebench eval --url ${base} \\
  --base-url http://127.0.0.1:8001/v1 --model my-model \\
  --agent-label my-model --tasks all --seeds 0..4

# or a scripted agent, scored exactly as in-process:
npx comtradebench run --url ${base} --agent reference --tasks all --seeds 0..9`,
    },
  ];
}

/** Renders the snippets into `el`, each with a copy button. */
export function drawSnippets(el, root, task, seed) {
  fill(
    el,
    snippets(root, task, seed).map((sn) => {
      const pre = h('pre', { tabindex: '0' }, h('code', {}, sn.code));
      const status = h('span', { class: 'hint', 'aria-live': 'polite' });
      const copy = h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(sn.code);
              status.textContent = 'copied';
            } catch {
              const range = document.createRange();
              range.selectNodeContents(pre);
              getSelection().removeAllRanges();
              getSelection().addRange(range);
              status.textContent = 'selected: press Ctrl+C';
            }
          },
        },
        'Copy',
      );
      return h(
        'div',
        { class: 'card snippet' },
        h('div', { class: 'card-head' }, h('h3', {}, sn.title), h('span', {}, copy, ' ', status)),
        h('p', { class: 'hint' }, sn.note),
        pre,
      );
    }),
  );
}
