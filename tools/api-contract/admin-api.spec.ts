import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const SPEC_FILE = join(ROOT, 'admin-web/src/app/core/api/generated/admin-openapi.json');

/**
 * The console's API types are generated from the /api/admin OpenAPI document, which is generated
 * from the controllers and DTOs (scripts/admin-api.ts). A DTO change without `npm run
 * api:admin-spec` fails here (and `npm run api:check` in CI). The check runs as its own process:
 * openapi-typescript loads ES modules, which Node requires natively but Jest's runtime does not.
 */
describe('the console API contract (admin-web/src/app/core/api/generated)', () => {
  it('is what the backend generates now (else run `npm run api:admin-spec`)', async () => {
    const run = promisify(execFile);
    const args = ['-r', 'ts-node/register/transpile-only', 'scripts/admin-api.ts', '--check'];
    const result = await run(process.execPath, args, { cwd: ROOT }).catch(
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(result).toMatchObject({ stdout: 'The console API contract is up to date.\n' });
  }, 180_000);

  it('describes every console route and only those, each with a success response', () => {
    const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const paths = Object.keys(spec.paths);
    expect(paths.length).toBeGreaterThanOrEqual(20);
    expect(paths.filter((p) => !p.startsWith('/api/admin/'))).toEqual([]);
    const undescribed = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)))
        .map(([method]) => `${method} ${path}`),
    );
    expect(undescribed).toEqual([]);
    expect(Object.keys(spec.components.schemas.WebhookResponse.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'display_name', 'status', 'lane', 'success_rate_24h']),
    );
  });
});
