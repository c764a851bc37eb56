import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * Table ownership: each table belongs to the module whose entity declares it
 * (`@Entity('table')` under src/modules/<m>/ or src/events/), and only that module's SQL may name
 * it. See docs/architecture.md, "Module boundaries".
 */

/** A module: its name and folder (src/modules/<name>, or src/events for "events"). */
export interface ModuleDir {
  name: string;
  dir: string;
}

/** One SQL mention of a table owned by another module. */
export interface ForeignTable {
  module: string;
  file: string;
  line: number;
  table: string;
  owner: string;
}

const ENTITY = /@Entity\(\s*['"`]([a-z_][a-z0-9_]*)['"`]/g;
/** An entity's class name, after its @Entity decorator (and any others). */
const ENTITY_CLASS = /@Entity\([^)]*\)[\s\S]*?export class (\w+)/g;
/**
 * TypeORM calls whose first argument, when a string, names a table or an entity:
 * `qb.from('webhooks', 'w')`, `qb.leftJoin('deliveries', 'd', ...)`, `getRepository('Webhook')`.
 */
const NAMING_CALLS = new Set([
  'from',
  'into',
  'update',
  'delete',
  'innerJoin',
  'leftJoin',
  'innerJoinAndSelect',
  'leftJoinAndSelect',
  'getRepository',
  'createQueryBuilder',
]);
/** A table after a keyword that names one, optionally schema-qualified and/or quoted. */
const TABLE_REF =
  /\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES)\s+(?:ONLY\s+)?(?:"?public"?\.)?"?([a-z_][a-z0-9_]*)"?/g;

export function moduleDirs(srcRoot: string): ModuleDir[] {
  const modulesRoot = join(srcRoot, 'modules');
  const modules = readdirSync(modulesRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, dir: join(modulesRoot, d.name) }));
  return [...modules, { name: 'events', dir: join(srcRoot, 'events') }];
}

export function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts'))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/**
 * table (and entity class name) → owning module, from the @Entity('table') declarations; a name
 * declared by two modules throws.
 */
export function tableOwners(modules: ModuleDir[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const m of modules) {
    for (const file of tsFiles(m.dir)) {
      const text = readFileSync(file, 'utf8');
      const names = [...text.matchAll(ENTITY), ...text.matchAll(ENTITY_CLASS)].map((m) => m[1]);
      for (const table of names) {
        const previous = owners.get(table);
        if (previous && previous !== m.name) {
          throw new Error(`table ${table} is declared by both ${previous} and ${m.name}`);
        }
        owners.set(table, m.name);
      }
    }
  }
  return owners;
}

interface Literal {
  text: string;
  line: number;
  /** The first argument of a NAMING_CALLS call: the whole string is a table or entity name. */
  named: boolean;
}

function namingArgument(node: ts.Node): boolean {
  const call = node.parent;
  return (
    ts.isCallExpression(call) &&
    call.arguments[0] === node &&
    ts.isPropertyAccessExpression(call.expression) &&
    NAMING_CALLS.has(call.expression.name.text)
  );
}

/** The text of every string and template literal in a source file, with its line. */
export function stringLiterals(source: string): Literal[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, true);
  const out: Literal[] = [];
  const at = (node: ts.Node): number =>
    sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      out.push({ text: node.text, line: at(node), named: namingArgument(node) });
    } else if (ts.isTemplateExpression(node)) {
      // Substitutions become a placeholder, so `FROM ${table}` names no table.
      const text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' $ ');
      out.push({ text, line: at(node), named: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * Tables named in a piece of source: by SQL in string literals (keywords in capitals), and by the
 * string argument of TypeORM's from/join/getRepository/... (a table or an entity name).
 */
export function tablesInSql(source: string): { table: string; line: number }[] {
  const found: { table: string; line: number }[] = [];
  for (const lit of stringLiterals(source)) {
    if (lit.named) found.push({ table: lit.text, line: lit.line });
    for (const [, table] of lit.text.matchAll(TABLE_REF)) found.push({ table, line: lit.line });
  }
  return found;
}

/** Every SQL mention, in src/modules/<m>/ and src/events/, of a table another module owns. */
export function foreignTables(srcRoot: string, allowed: ReadonlySet<string>): ForeignTable[] {
  const modules = moduleDirs(srcRoot);
  const owners = tableOwners(modules);
  const out: ForeignTable[] = [];
  for (const m of modules) {
    for (const file of tsFiles(m.dir)) {
      const rel = relative(srcRoot, file).split(sep).join('/');
      for (const { table, line } of tablesInSql(readFileSync(file, 'utf8'))) {
        const owner = owners.get(table);
        if (!owner || owner === m.name || allowed.has(`${rel}:${table}`)) continue;
        out.push({ module: m.name, file: rel, line, table, owner });
      }
    }
  }
  return out;
}
