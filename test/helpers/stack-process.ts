import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A running `npm start` (infra/local/main.ts) in its own process, as a user runs it. */
export interface StackProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

const ROOT = join(__dirname, '..', '..');

/**
 * Starts the whole local stack in one child process (node with the tsx loader, so a signal reaches the stack itself, not a wrapper) and resolves once it
 * prints its URL. `env` adds settings; the data directory and port come from it.
 * @example const stack = await startStackProcess({ EDGEPRINT_DATA_DIR: dir, PORT: '0' })
 */
export async function startStackProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'infra', 'local', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', EDGEPRINT_REBUILD_SNIPPET: 'false', EDGE_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /edgeprint is running on (http:\/\/[^\s]+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited with ${code} before starting:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

/** Resolves with the exit code (or signal) once the process has ended. */
export function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}
