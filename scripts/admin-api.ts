/**
 * The console's API contract, generated: the OpenAPI document of `/api/admin/*` (from the Nest
 * app's controllers and DTOs, built in preview mode: no database, no Redis) and the TypeScript
 * types the console uses, generated from it with openapi-typescript, and the console's HTTP client
 * (one method per operation, typed by those types: tools/api-contract/admin-client.ts).
 *
 *   npm run api:admin-spec   writes the three files
 *   npm run api:check        fails (exit 1) when the committed files differ from a fresh build
 *
 * See docs/http-api.md ("Admin Console API").
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildAdminOpenApiDocument } from '../src/admin-openapi';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { featureModules } from '../src/features';
import { renderAdminClient, type OpenApiSubset } from '../tools/api-contract/admin-client';
import { renderAdminTypes } from '../tools/api-contract/admin-types';

const ROOT = join(__dirname, '..');
const GENERATED = join(ROOT, 'admin-web', 'src', 'app', 'core', 'api', 'generated');
export const SPEC_FILE = join(GENERATED, 'admin-openapi.json');
export const TYPES_FILE = join(GENERATED, 'admin-api.ts');
export const CLIENT_FILE = join(GENERATED, 'admin-client.ts');

/** The document, from the app's module graph (preview mode: nothing is connected or started). */
export async function buildAdminSpec(): Promise<OpenAPIObject> {
  // Placeholder secrets satisfy the config's validation; nothing is encrypted or signed here.
  const config = loadConfig({
    ZORIO_ROLE: 'all',
    SECRETS_KEY: Buffer.alloc(32).toString('base64'),
    SESSION_SECRET: 'spec-only'.padEnd(64, '-'),
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, { features: featureModules(config) }),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    return buildAdminOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** The three files' contents, formatted as the console's prettier config wants them. */
export async function renderAdminApi(): Promise<{ file: string; content: string }[]> {
  const spec = await buildAdminSpec();
  const format = await consolePrettier();
  return [
    { file: SPEC_FILE, content: `${JSON.stringify(spec, null, 2)}\n` },
    { file: TYPES_FILE, content: await format(TYPES_FILE, await renderAdminTypes(spec)) },
    {
      file: CLIENT_FILE,
      content: await format(CLIENT_FILE, renderAdminClient(spec as OpenApiSubset)),
    },
  ];
}

/** Formats a file with the console's own prettier (its version and .prettierrc judge format:check). */
async function consolePrettier(): Promise<(file: string, source: string) => Promise<string>> {
  const prettier = (await import(
    require.resolve('prettier', { paths: [join(ROOT, 'admin-web')] })
  )) as typeof import('prettier');
  return async (file, source) =>
    prettier.format(source, { ...(await prettier.resolveConfig(file)), filepath: file });
}

/** The generated files whose committed copy differs from a fresh build (repository paths). */
export async function staleAdminApiFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const { file, content } of await renderAdminApi()) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      // missing: stale
    }
    if (committed !== content) stale.push(relative(ROOT, file));
  }
  return stale;
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const stale = await staleAdminApiFiles();
    if (stale.length > 0) {
      process.stderr.write(
        `The console's generated API contract is stale: ${stale.join(', ')} ` +
          'differ from what the /api/admin controllers and DTOs give now.\n' +
          'Run `npm run api:admin-spec` and commit the result.\n',
      );
      process.exit(1);
    }
    process.stdout.write('The console API contract is up to date.\n');
    return;
  }
  for (const { file, content } of await renderAdminApi()) {
    writeFileSync(file, content);
    process.stdout.write(`wrote ${relative(ROOT, file)}\n`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
