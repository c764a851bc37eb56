import type { ArgumentsHost } from '@nestjs/common';
import { Logger, NotFoundException } from '@nestjs/common';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { HttpExceptionFilter } from './http-exception.filter';

interface Sent {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

function respond(exception: unknown): Sent {
  const sent: Sent = { status: 0, body: undefined, headers: {} };
  const res = {
    headersSent: false,
    getHeader: (name: string) => sent.headers[name],
    setHeader: (name: string, value: string) => (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent;
}

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

describe('HttpExceptionFilter', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['Redis gave up retrying', new MaxRetriesPerRequestError(20)],
    ['Redis connection closed', new Error('Connection is closed.')],
    ['Redis cluster unreachable', new Error('None of startup nodes is available')],
    ['nothing listens', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    [
      'PostgreSQL shutting down',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['PostgreSQL connection failure', withCode('connection failure', '08006')],
    ['pg pool closed under us', new Error('Connection terminated unexpectedly')],
  ])('answers 503 with Retry-After when %s', (_case, err) => {
    const sent = respond(err);
    expect(sent.status).toBe(503);
    expect(sent.body).toEqual({ message: 'Service temporarily unavailable. Try again shortly.' });
    expect(sent.headers['Retry-After']).toBe('5');
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an SQL error', withCode('column "x" does not exist', '42703')],
    ['something not an Error', 'boom'],
  ])('still answers 500 without detail for %s', (_case, err) => {
    const sent = respond(err);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ message: 'Server Error' });
    expect(sent.headers['Retry-After']).toBeUndefined();
  });

  it('keeps HTTP exceptions as they are', () => {
    expect(respond(new NotFoundException('secret detail'))).toEqual({
      status: 404,
      body: { message: 'Resource not found' },
      headers: {},
    });
  });
});
