/** Child processes of the bench and what /proc says about them (CPU time, RSS, machine load). */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rpc } from './ipc';

export const ROOT = join(__dirname, '..', '..');
export const TMP = join(ROOT, 'bench', '.tmp');

export interface Child {
  label: string;
  proc: ChildProcess;
  pid: number;
  rpc: Rpc;
  /** The last few KiB of its output, for error messages. */
  tail: () => string;
  /** Resolves with everything it printed so far once `text` appears in its output. */
  waitForOutput: (text: string, timeoutMs: number) => Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop: (graceMs?: number) => Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Flags for node itself (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Extra modules preloaded after ts-node. */
  preload?: string[];
  cwd?: string;
}

/**
 * Runs a file in its own node process with an IPC channel; TypeScript (the file or a preload) goes
 * through ts-node, transpile only.
 */
export function spawnNode(label: string, file: string, opts: SpawnOptions = {}): Child {
  const preload = opts.preload ?? [];
  const needsTs = [file, ...preload].some((f) => f.endsWith('.ts'));
  const args = [
    ...(opts.nodeArgs ?? []),
    ...(needsTs ? ['-r', 'ts-node/register/transpile-only'] : []),
    ...preload.flatMap((p) => ['-r', p]),
    file,
  ];
  const proc = spawn(process.execPath, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = createWriteStream(join(TMP, `${label}.log`));
  let tail = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (b: Buffer) => {
    log.write(b);
    tail = (tail + b.toString('utf8')).slice(-16_384);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (tail.includes(waiters[i].text)) {
        waiters[i].resolve();
        waiters.splice(i, 1);
      }
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      log.end();
      resolve();
    }),
  );
  if (proc.pid === undefined) throw new Error(`${label}: could not start`);
  return {
    label,
    proc,
    pid: proc.pid,
    rpc: new Rpc(proc, label),
    tail: () => tail.slice(-4000),
    waitForOutput: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (tail.includes(text)) return resolve();
        const timer = setTimeout(
          () =>
            reject(
              new Error(`${label}: no "${text}" within ${timeoutMs} ms:\n${tail.slice(-4000)}`),
            ),
          timeoutMs,
        );
        proc.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${label} exited (${code}) before "${text}":\n${tail.slice(-4000)}`));
        });
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    stop: async (graceMs = 10_000) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size in MiB; 0 once the process is gone. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine (for "how loaded was it while we measured"). */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Pids of running processes whose command line contains `needle` (e.g. redis-server). */
export function pidsOf(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(needle)) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}
