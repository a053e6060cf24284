'use strict';
// Preloaded (`node --require`) into a CLI child by the constant-memory test: at exit it writes the
// process's peak resident set (VmHWM from /proc/self/status, in bytes) to EDGEPRINT_TEST_PEAK_RSS_FILE.
const { readFileSync, writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.EDGEPRINT_TEST_PEAK_RSS_FILE;
  if (!file) return;
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  const bytes = match ? Number(match[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
  writeFileSync(file, String(bytes));
});
