#!/usr/bin/env node
// The `porthole` command. Runs the TypeScript CLI through tsx (a runtime dependency): no build step.
import { register } from 'tsx/esm/api';

// The SDK's notice about future Node versions is for developers, not for CLI output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `porthole list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import(new URL('../electron/cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2), {
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
});
// Everything the CLI opened is disposed by now; do not let a stray handle keep the process alive.
setTimeout(() => process.exit(), 1000).unref();
