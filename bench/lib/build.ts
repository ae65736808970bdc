/** Build and provenance: rebuild dist/ when src/ is newer, and the git commit the figures belong to. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './spawn.js';

function filesUnder(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));
}

export function newestSrcMs(): number {
  return Math.max(0, ...filesUnder(join(ROOT, 'src'), '.ts').map((f) => statSync(f).mtimeMs));
}

/**
 * Rebuilds dist/ when any src/*.ts is newer than the oldest built file (tsc rewrites every output). Only
 * outputs of sources that still exist count: tsc leaves the output of a removed source behind, which would
 * otherwise look stale forever.
 */
export function ensureBuilt(): { rebuilt: boolean } {
  const built = filesUnder(join(ROOT, 'dist/src'), '.js').filter((f) =>
    existsSync(join(ROOT, 'src', f.slice(join(ROOT, 'dist/src').length).replace(/\.js$/, '.ts'))),
  );
  const oldestBuilt = built.length === 0 ? 0 : Math.min(...built.map((f) => statSync(f).mtimeMs));
  if (existsSync(join(ROOT, 'dist/src/server/main.js')) && newestSrcMs() <= oldestBuilt)
    return { rebuilt: false };
  process.stderr.write('bench: dist/ is older than src/; running npm run build\n');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { rebuilt: true };
}

export function git(): { head: string; dirty_src_files: number } {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'tasks'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    return { head, dirty_src_files: dirty };
  } catch {
    return { head: 'unknown', dirty_src_files: -1 };
  }
}
