/**
 * JSON-lines files (result records, trajectories, the leaderboard) written one whole line per finished
 * episode: each line goes out in write calls that finish before the next episode's line starts, so
 * stopping the process (Ctrl-C) never leaves half a line; with `durable`, each line is also flushed to
 * disk (fsync) before the call returns.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';

export class LineFile {
  private fd: number | null;

  /** Opens `path` for appending (`append`) or truncates it. */
  constructor(
    readonly path: string,
    append: boolean,
    private readonly durable: boolean,
  ) {
    this.fd = openSync(path, append ? 'a' : 'w');
  }

  /** Writes one value as one line. */
  write(value: unknown): void {
    this.writeLine(JSON.stringify(value));
  }

  /** Writes one line of JSON text (without its newline). */
  writeLine(text: string): void {
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    writeAll(this.fd, Buffer.from(`${text}\n`));
    if (this.durable) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
}

/**
 * Replaces a JSON-lines file by `lines` atomically: they are written to a temporary file beside it, flushed
 * to disk, and renamed over it, so a crash leaves either the old file or the new one.
 */
export function rewriteLines(path: string, lines: readonly string[]): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, Buffer.from(lines.map((l) => `${l}\n`).join('')));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * The parsed lines of a JSON-lines file (none when it does not exist). A last line without its newline
 * (a write cut short by a crash) is cut off the file so that appending starts on a fresh line; `onCut`
 * is told. Any other line that is not JSON is an error naming the line.
 */
export function readLines(path: string, onCut: (text: string) => void = () => undefined): unknown[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) {
    onCut(text.slice(end));
    truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  }
  return text
    .slice(0, end)
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new LinesError(`${path}:${n} is not a JSON line`);
      }
    });
}

export class LinesError extends Error {
  override name = 'LinesError';
}
