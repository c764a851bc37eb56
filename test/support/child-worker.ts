import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface WorkerChild {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the port of the worker's health and metrics server. */
  ready: Promise<number>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts a real worker process (role worker) on this run's database and Redis prefix. */
export function startWorkerChild(env: Record<string, string>): WorkerChild {
  const root = join(__dirname, '..', '..');
  const proc = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(root, 'test', 'support', 'worker-child.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        ZORIO_ROLE: 'worker',
        TS_NODE_PROJECT: join(root, 'tsconfig.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = new Promise<number>((resolve, reject) => {
    const onData = () => {
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`worker exited (${code}) before READY:\n${out}`)));
  });
  ready.catch(() => undefined);
  return {
    proc,
    output: () => out,
    ready,
    kill: async (signal = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/**
 * The worker processes of a describe block: `start` one and it resolves once the worker is READY;
 * those still running are stopped with `stopSignal` after the block (declare this before the app's
 * fixture, so they stop while the app is still up).
 */
export function useWorkerChildren(
  env: Record<string, string>,
  stopSignal: NodeJS.Signals = 'SIGKILL',
): { children: WorkerChild[]; start: () => Promise<WorkerChild> } {
  const children: WorkerChild[] = [];
  afterAll(async () => {
    for (const c of children) await c.kill(stopSignal);
  });
  const start = async (): Promise<WorkerChild> => {
    const c = startWorkerChild(env);
    children.push(c);
    await c.ready;
    return c;
  };
  return { children, start };
}
