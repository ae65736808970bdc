#!/usr/bin/env node
/** The comtradebench executable: the command line of src/cli/program.ts on this process. */
import type { Writable } from 'node:stream';
import { runCli } from './program.js';

/**
 * Writes to a standard stream until its reader goes away (`comtradebench rescore f | head`): then further
 * text is dropped, and the command still finishes its work and exits with its own code.
 */
function writer(stream: Writable): (text: string) => void {
  let open = true;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    open = false;
  });
  return (text) => {
    if (open) stream.write(text);
  };
}

runCli(process.argv.slice(2), {
  out: writer(process.stdout),
  err: writer(process.stderr),
  progress: process.stderr.isTTY === true,
  signals: true,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
