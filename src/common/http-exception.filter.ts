import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { MESSAGES, TooManyRequests } from './errors';
import { isBackingStoreDown } from './unavailable';

/** How long a client should wait before trying again while a backing store is down. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

interface ErrorBody {
  message: string;
  errors?: Record<string, string[]>;
}

/**
 * Shapes every error as docs/http-api.md ("Errors") says; PostgreSQL or Redis being unreachable is
 * a 503 with Retry-After; anything else unexpected is a 500 without detail.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { status, body } = this.toBody(exception);
    if (exception instanceof TooManyRequests) {
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    if (status === 503 && !res.getHeader('Retry-After'))
      res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
    res.status(status).json(body);
  }

  private toBody(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const fallback = (MESSAGES as Record<number, string>)[status] ?? exception.message;
      if (status === 401 || status === 403 || status === 404) {
        return { status, body: { message: (MESSAGES as Record<number, string>)[status] } };
      }
      if (typeof response === 'object' && response !== null) {
        const r = response as { message?: unknown; errors?: Record<string, string[]> };
        const message = typeof r.message === 'string' ? r.message : fallback;
        return { status, body: r.errors ? { message, errors: r.errors } : { message } };
      }
      return { status, body: { message: typeof response === 'string' ? response : fallback } };
    }
    const bodyParserError = exception as { type?: string; status?: number };
    if (bodyParserError?.type === 'entity.too.large') {
      return { status: HttpStatus.PAYLOAD_TOO_LARGE, body: { message: MESSAGES[413] } };
    }
    if (bodyParserError?.type === 'entity.parse.failed' || bodyParserError?.status === 400) {
      return { status: HttpStatus.BAD_REQUEST, body: { message: MESSAGES[400] } };
    }
    if (isBackingStoreDown(exception)) {
      this.logger.warn(`A backing store is unreachable: ${(exception as Error).message}`);
      return { status: 503, body: { message: MESSAGES[503] } };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    return { status: 500, body: { message: 'Server Error' } };
  }
}
