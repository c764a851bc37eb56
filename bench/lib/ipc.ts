/**
 * A tiny request/response protocol over Node's child-process IPC channel: the orchestrator calls
 * a named command in a child and awaits its result; a child may also emit events (e.g. "ready").
 */
import type { ChildProcess } from 'node:child_process';

interface Request {
  kind: 'call';
  id: number;
  cmd: string;
  args: unknown;
}
interface Reply {
  kind: 'reply';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
interface EventMessage {
  kind: 'event';
  name: string;
  data: unknown;
}
type Message = Request | Reply | EventMessage;

export type Handlers = Record<string, (args: never) => unknown>;

/** In a child: answers calls with these handlers. */
export function serve(handlers: Handlers): void {
  if (!process.send) throw new Error('bench child started without an IPC channel');
  process.on('message', (raw: Message) => {
    if (raw.kind !== 'call') return;
    const handler = handlers[raw.cmd] as ((args: unknown) => unknown) | undefined;
    const reply = (r: Omit<Reply, 'kind' | 'id'>) =>
      process.send?.({ kind: 'reply', id: raw.id, ...r });
    if (!handler) {
      reply({ ok: false, error: `unknown command ${raw.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(raw.args))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) =>
          reply({
            ok: false,
            error: err instanceof Error ? (err.stack ?? err.message) : String(err),
          }),
      );
  });
  // The orchestrator going away ends the child.
  process.on('disconnect', () => process.exit(0));
}

/** In a child: tells the orchestrator something happened. */
export function emit(name: string, data: unknown = null): void {
  process.send?.({ kind: 'event', name, data });
}

/** In the orchestrator: a typed handle on a child's commands. */
export class Rpc {
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly listeners = new Map<string, ((data: unknown) => void)[]>();

  constructor(
    private readonly child: ChildProcess,
    private readonly label: string,
  ) {
    child.on('message', (raw: Message) => {
      if (raw.kind === 'reply') {
        const p = this.pending.get(raw.id);
        if (!p) return;
        this.pending.delete(raw.id);
        if (raw.ok) p.resolve(raw.result);
        else p.reject(new Error(`${this.label}: ${raw.error ?? 'failed'}`));
      } else if (raw.kind === 'event') {
        for (const l of this.listeners.get(raw.name) ?? []) l(raw.data);
      }
    });
    child.once('exit', (code, signal) => {
      for (const p of this.pending.values()) {
        p.reject(new Error(`${this.label} exited (${code ?? signal}) during a call`));
      }
      this.pending.clear();
    });
  }

  call<T>(cmd: string, args: unknown = null): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      if (!this.child.connected) {
        reject(new Error(`${this.label} is gone (${cmd})`));
        return;
      }
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ kind: 'call', id, cmd, args } satisfies Request, (err) => {
        if (!err) return;
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  once<T>(name: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.label}: no "${name}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = this.listeners.get(name) ?? [];
      list.push((data) => {
        clearTimeout(timer);
        resolve(data as T);
      });
      this.listeners.set(name, list);
    });
  }
}
