import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const SPEC_FILE = join(ROOT, 'admin-web/src/app/core/api/generated/admin-openapi.json');
const CONSOLE_APP = join(ROOT, 'admin-web/src/app');
const run = promisify(execFile);

/**
 * The console's API types and HTTP client are generated from the /api/admin OpenAPI document,
 * which is generated from the controllers and DTOs (scripts/admin-api.ts). A route or DTO change
 * without `npm run api:admin-spec` fails here (and `npm run api:check` in CI); once regenerated, a
 * change the console's calls do not fit fails its typecheck (proved below). The checks run as
 * their own processes: openapi-typescript loads ES modules, which Node requires natively but
 * Jest's runtime does not.
 */
describe('the console API contract (admin-web/src/app/core/api/generated)', () => {
  it('is what the backend generates now (else run `npm run api:admin-spec`)', async () => {
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

  it('is the only console code that calls HttpClient or spells an /api/admin/ URL', () => {
    const handWritten = sourceFiles(CONSOLE_APP).filter(
      (file) => !file.includes('/generated/') && !file.endsWith('.spec.ts'),
    );
    expect(handWritten.length).toBeGreaterThan(20);
    const offending = handWritten.filter((file) =>
      /\bHttpClient\b|['"`]\/api\/admin\/[\w$]/.test(readFileSync(file, 'utf8')),
    );
    expect(offending.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it("fails the console's typecheck when a route or DTO its calls use changes", async () => {
    const args = [
      '-r',
      'ts-node/register/transpile-only',
      'tools/api-contract/console-typecheck.ts',
    ];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 16 << 20 });
    const errors = JSON.parse(stdout) as Record<string, string[]>;
    expect(errors['unchanged']).toEqual([]);
    const first = (change: string): string | undefined => errors[change]?.[0];
    expect(first('POST /webhooks/{id}/pause removed')).toMatch(
      /^src\/app\/core\/api\/webhooks-api\.ts: Property 'webhooksPause' does not exist/,
    );
    expect(first('POST /deliveries/{id}/replay moved under /webhooks/{webhook_id}')).toMatch(
      /^src\/app\/core\/api\/deliveries-api\.ts: Expected 2 arguments, but got 1/,
    );
    expect(first('ReplayDeadLettersDto.since renamed from')).toMatch(
      /^src\/app\/core\/api\/webhooks-api\.ts: .*'since'/,
    );
    expect(first('SessionUser.user renamed account')).toMatch(
      /^src\/app\/core\/api\/auth-api\.ts: Property 'user' does not exist/,
    );
    expect(first('WebhookResponse.display_name renamed name')).toMatch(/display_name/);
  }, 300_000);
});

/** The TypeScript files under a folder, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
