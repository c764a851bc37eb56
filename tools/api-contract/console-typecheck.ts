/**
 * The proof that a backend change reaches the console's type check: for each change below it
 * takes the committed admin-openapi.json, changes it as a changed route or DTO would, renders the
 * generated types and client from it, and type-checks the console app (admin-web/tsconfig.app.json,
 * what `npm run typecheck` checks) against them in memory: nothing is written. Prints JSON,
 * `{ [change]: ["<file>: <error>", ...] }`. admin-api.spec.ts runs it as its own process
 * (openapi-typescript is an ES module, which Jest's runtime does not load):
 *
 *   node -r ts-node/register/transpile-only tools/api-contract/console-typecheck.ts
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type * as TS from 'typescript';
import { renderAdminClient, type OpenApiSubset } from './admin-client';
import { renderAdminTypes } from './admin-types';

const ADMIN_WEB = resolve(__dirname, '..', '..', 'admin-web');
const GENERATED = join(ADMIN_WEB, 'src', 'app', 'core', 'api', 'generated');

interface Schema {
  properties?: Record<string, unknown>;
  required?: string[];
}
interface Spec extends OpenApiSubset {
  components: { schemas: Record<string, Schema> };
}

/** What a backend change does to the document, by name (`unchanged` checks the harness). */
export const DOCUMENT_CHANGES: Record<string, (spec: Spec) => void> = {
  unchanged: () => undefined,
  'POST /webhooks/{id}/pause removed': (spec) => {
    delete spec.paths['/api/admin/webhooks/{id}/pause'].post;
  },
  'POST /deliveries/{id}/replay moved under /webhooks/{webhook_id}': (spec) => {
    const replay = spec.paths['/api/admin/deliveries/{id}/replay'];
    delete spec.paths['/api/admin/deliveries/{id}/replay'];
    replay.post?.parameters?.unshift({ name: 'webhook_id', in: 'path' });
    spec.paths['/api/admin/webhooks/{webhook_id}/deliveries/{id}/replay'] = replay;
  },
  'ReplayDeadLettersDto.since renamed from': (spec) =>
    renameProperty(spec.components.schemas.ReplayDeadLettersDto, 'since', 'from'),
  'SessionUser.user renamed account': (spec) =>
    renameProperty(spec.components.schemas.SessionUser, 'user', 'account'),
  'WebhookResponse.display_name renamed name': (spec) =>
    renameProperty(spec.components.schemas.WebhookResponse, 'display_name', 'name'),
};

function renameProperty(schema: Schema, from: string, to: string): void {
  const properties = schema.properties ?? {};
  if (!(from in properties)) throw new Error(`The schema has no property ${from}`);
  schema.properties = Object.fromEntries(
    Object.entries(properties).map(([name, value]) => [name === from ? to : name, value]),
  );
  schema.required = schema.required?.map((name) => (name === from ? to : name));
}

/** The console's own TypeScript (the version its typecheck uses). */
async function consoleTypeScript(): Promise<typeof TS> {
  return (await import(require.resolve('typescript', { paths: [ADMIN_WEB] }))) as typeof TS;
}

/**
 * A type checker of the console app that reads the generated files from `overrides` (absolute
 * path → text) and caches every other parsed file between runs.
 */
function consoleChecker(ts: typeof TS): (overrides: Map<string, string>) => string[] {
  const configFile = join(ADMIN_WEB, 'tsconfig.app.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`Cannot read ${configFile}`);
  const cache = new Map<string, TS.SourceFile | undefined>();
  return (overrides) => {
    const host = ts.createCompilerHost(config.options);
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion) => {
      const override = overrides.get(resolve(fileName));
      if (override !== undefined) return ts.createSourceFile(fileName, override, languageVersion);
      if (!cache.has(fileName)) cache.set(fileName, parse(fileName, languageVersion));
      return cache.get(fileName);
    };
    const program = ts.createProgram(config.fileNames, config.options, host);
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      return d.file ? `${relative(ADMIN_WEB, d.file.fileName)}: ${text}` : text;
    });
  };
}

async function main(): Promise<void> {
  const committed = readFileSync(join(GENERATED, 'admin-openapi.json'), 'utf8');
  const check = consoleChecker(await consoleTypeScript());
  const errors: Record<string, string[]> = {};
  for (const [name, change] of Object.entries(DOCUMENT_CHANGES)) {
    const spec = JSON.parse(committed) as Spec;
    change(spec);
    const overrides = new Map([
      [join(GENERATED, 'admin-api.ts'), await renderAdminTypes(spec)],
      [join(GENERATED, 'admin-client.ts'), renderAdminClient(spec)],
    ]);
    errors[name] = check(overrides);
  }
  process.stdout.write(`${JSON.stringify(errors, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
