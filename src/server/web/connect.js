// "Connect your agent": copy-paste snippets filled with this server's own address.
import { fill, h } from './dom.js';

export function snippets(root, taskId, seed) {
  const base = root.replace(/\/$/, '');
  const ws = `${base.replace(/^http/, 'ws')}/ws`;
  return [
    {
      title: 'Python: the OpenEnv client over /ws',
      note: 'pip install openenv-core',
      code: `from openenv.core.generic_client import GenericEnvClient

env = GenericEnvClient(base_url="${base}").sync()  # connects to ${ws}
r = env.reset(task_id="${taskId}", seed=${seed}, agent_label="my-agent")
print(r.observation["title"], r.observation["constraints"]["request_budget"])
r = env.step({"type": "call_tool", "tool_name": "fetch_page",
              "arguments": {"page": 1}})
print(r.observation["result"]["data"]["status"])
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
            print([t.name for t in (await mcp.list_tools()).tools])
            page = await mcp.call_tool("fetch_page", {"page": 1})
            print(page.structuredContent["status"])

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
export function drawSnippets(el, root, taskId, seed) {
  fill(
    el,
    snippets(root, taskId, seed).map((sn) => {
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
