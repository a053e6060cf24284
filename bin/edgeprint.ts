import { processIo } from './lib/io';
import { run } from './lib/run';

// Exit through exitCode, not process.exit(): output still buffered for a pipe is written first.
void run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
