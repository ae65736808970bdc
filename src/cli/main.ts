#!/usr/bin/env node
/** The comtradebench executable: the command line of src/cli/program.ts on this process. */
import { runCli } from './program.js';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  progress: process.stderr.isTTY === true,
  signals: true,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
