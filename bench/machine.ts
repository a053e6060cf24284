import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1- and 5-minute load averages when the run started: other work on the machine skews the figures. */
  readonly loadAverage: readonly [number, number];
}

/** What the figures were measured on: CPU model (from /proc/cpuinfo when there is one), cores, memory, Node. */
export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) cpuModel = match[1].trim();
  } catch {
    // Not Linux: the os module's model is the best there is.
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverage: [loadavg()[0] ?? 0, loadavg()[1] ?? 0],
  };
}

/** The installed version of a dependency, for the settings table. */
export function installedVersion(name: string): string {
  try {
    const file = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The "machine" table every benchmark section starts with; `rows` adds lines (the browser, say)
 * before the load average, and `nodeNote` qualifies the Node version.
 * @example machineTable(machineInfo(), [['browser', 'Chromium 156']])
 */
export function machineTable(machine: MachineInfo, rows: readonly (readonly [string, string])[] = [], nodeNote?: string): string {
  return [
    '| machine | |',
    '|---|---|',
    `| CPU | ${machine.cpuModel} |`,
    `| cores | ${machine.cores} |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    `| OS | ${machine.os} |`,
    `| Node | ${machine.node}${nodeNote === undefined ? '' : ` (${nodeNote})`} |`,
    ...rows.map(([label, value]) => `| ${label} | ${value} |`),
    `| load average when the run started (1 min, 5 min) | ${machine.loadAverage.map((value) => value.toFixed(2)).join(', ')} |`,
  ].join('\n');
}
