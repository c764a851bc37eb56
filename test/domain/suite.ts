import type request from 'supertest';
import type { EventModule, EventName } from '../../src/events/catalogue';
import { FakeFreeswitch } from '../../tools/fake-freeswitch/fake-freeswitch';
import { startApp, TestApp, useApp } from '../support/app';
import { bearer, moduleEvents, OutboxRow, outboxMark, outboxSince } from './support';

/**
 * What a domain module's e2e file works with: the app, requests sent with a machine token of the
 * module's own scope, a token of another module's scope only, and the module's outbox rows. Its
 * fields are set once the describe block's beforeAll has run.
 */
export interface DomainSuite {
  t: TestApp;
  /** `Authorization` values: the module's own scope (`<module>_api_access`), another's only. */
  token: string;
  otherToken: string;
  get: (path: string) => request.Test;
  post: (path: string, body?: object) => request.Test;
  patch: (path: string, body?: object) => request.Test;
  /** A mark in the outbox (outboxMark), to read what is published after it. */
  mark: () => Promise<string>;
  /**
   * What was published after `mark`: the module's own events unless `names` says others (files
   * read only their own module's events: see moduleEvents).
   */
  since: (mark: string, names?: EventName[]) => Promise<OutboxRow[]>;
  /** The module's events published after `mark`, asserted to be exactly `names`, in order. */
  expectPublished: (mark: string, names: EventName[]) => Promise<OutboxRow[]>;
  /**
   * docs/http-api.md (authentication): each of `calls` answers 401 without a token and 403 with
   * another module's token, and none of them publishes anything.
   */
  expectScopeRequired: (calls: ScopedCall[]) => Promise<void>;
}

/** One request of a scope check: a method, a path and, for POST and PATCH, a body. */
export interface ScopedCall {
  method: 'get' | 'post' | 'patch';
  path: string;
  body?: object;
}

const scopeOf = (module: EventModule) => `${module}_api_access` as const;

/** A suite whose fields `attach` sets once the app is up (see useDomainApp, usePbxApp). */
function domainSuite(module: EventModule, other: EventModule) {
  const suite = {} as DomainSuite;
  const send = (call: ScopedCall, authorization?: string) => {
    const req = suite.t.http()[call.method](call.path);
    if (authorization) req.set('Authorization', authorization);
    return call.body ? req.send(call.body) : req;
  };
  const methods: Omit<DomainSuite, 't' | 'token' | 'otherToken'> = {
    get: (path: string) => send({ method: 'get', path }, suite.token),
    post: (path: string, body: object = {}) => send({ method: 'post', path, body }, suite.token),
    patch: (path: string, body: object = {}) => send({ method: 'patch', path, body }, suite.token),
    mark: () => outboxMark(suite.t),
    since: (mark: string, names = moduleEvents(module)) => outboxSince(suite.t, mark, names),
    expectPublished: async (mark: string, names: EventName[]) => {
      const rows = await suite.since(mark);
      expect(rows.map((r) => r.event_name)).toEqual(names);
      return rows;
    },
    expectScopeRequired: async (calls: ScopedCall[]) => {
      const mark = await suite.mark();
      for (const call of calls) {
        await send(call).expect(401, { message: 'Unauthenticated.' });
        await send(call, suite.otherToken).expect(403, { message: 'This action is unauthorized.' });
      }
      expect(await suite.since(mark)).toEqual([]);
    },
  };
  Object.assign(suite, methods);
  const attach = async (t: TestApp): Promise<void> => {
    suite.t = t;
    suite.token = await bearer(t, [scopeOf(module)]);
    suite.otherToken = await bearer(t, [scopeOf(other)]);
  };
  return { suite, attach };
}

/**
 * The app of a domain module's describe block (useApp), with a token of the module's scope and one
 * of `other`'s.
 */
export function useDomainApp(module: EventModule, other: EventModule): DomainSuite {
  const { suite, attach } = domainSuite(module, other);
  useApp(attach);
  return suite;
}

/** The PBX suite and the fake FreeSWITCH whose event socket the app is connected to. */
export interface PbxSuite {
  api: DomainSuite;
  fake: FakeFreeswitch;
}

/**
 * The app of a PBX describe block, its ESL client connected to a fake FreeSWITCH that listens
 * first, with a pbx_api_access token and a telesales_api_access one; both close after the block.
 */
export function usePbxApp(): PbxSuite {
  const { suite, attach } = domainSuite('pbx', 'telesales');
  const fake = new FakeFreeswitch();
  beforeAll(async () => {
    const port = await fake.listen();
    await attach(await startApp({ PBX_ESL_HOST: '127.0.0.1', PBX_ESL_PORT: String(port) }));
  });
  afterAll(async () => {
    await suite.t?.close();
    await fake.close();
  });
  return { api: suite, fake };
}
