// @ts-check
/**
 * The module boundary lint (docs/architecture.md, "Module boundaries"), as flat-config entries for
 * eslint.config.mjs: one `no-restricted-imports` entry per folder under src/modules/ plus one for
 * src/events/, each refusing an import of another module's internals.
 *
 * A module's public face is its top-level `*.module.ts` and `*.service.ts` files; everything else
 * (entities/, dto/, subfolders, other top-level files) is internal. src/events/ is the platform's
 * event bus: every top-level file of it (bus, catalogue, relay, retention) is public, its
 * entities/ are internal. Shared pieces live outside modules (src/common, src/platform, src/ops,
 * src/config) and are open to all; src/platform itself uses modules only through their face.
 */
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

/** A path's last segment, when it is a module's public face. */
const PUBLIC_FILE = '[\\w-]+\\.(?:module|service)$';

/**
 * Modules that may not import another at all, not even its public face: the dependency goes the
 * other way (the other module implements this one's ports, see docs/architecture.md).
 * @type {Record<string, string[]>}
 */
const NEVER_IMPORTS = {
  audit: ['auth'],
  webhooks: ['deliveries'],
};

/** @param {string} root the repository root */
function moduleNames(root) {
  return readdirSync(join(root, 'src', 'modules'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/**
 * Import patterns (regular expressions over the import string) a file under src/modules/<name>/
 * may not use: another module's non-public files, and the event bus's entities.
 * @param {string} name
 * @param {string[]} all
 */
function modulePatterns(name, all) {
  const others = all.filter((m) => m !== name).join('|');
  const never = NEVER_IMPORTS[name] ?? [];
  return [
    ...never.map((other) => ({
      regex: `^(?:\\.\\./)+(?:modules/)?${other}/[\\w-]+\\.(?:module|service)$`,
      message: `src/modules/${name} may not import ${other}: ${other} depends on ${name} (docs/architecture.md, "Module boundaries").`,
    })),
    {
      regex: `^(?:\\.\\./)+(?:modules/)?(?:${others})/(?!${PUBLIC_FILE})`,
      message: `src/modules/${name} may import another module only through its *.module.ts or *.service.ts (docs/architecture.md, "Module boundaries").`,
    },
    {
      regex: '^(?:\\.\\./)+events/entities/',
      message:
        'The event bus tables are internal to src/events: use its EventBus, OutboxRelay or OutboxRetention.',
    },
  ];
}

/**
 * Patterns for a folder outside src/modules/ that may use modules only through their public face
 * (src/events/, and src/platform/, whose WorkerModule imports modules' runners).
 * @param {string} folder
 */
const facePatterns = (folder) => [
  {
    regex: `^(?:\\.\\./)+modules/[\\w-]+/(?!${PUBLIC_FILE})`,
    message: `${folder} may import a module only through its *.module.ts or *.service.ts (docs/architecture.md, "Module boundaries").`,
  },
];

/**
 * Flat-config entries enforcing the boundaries.
 * @param {string} root the repository root
 * @returns {import('eslint').Linter.Config[]}
 */
function moduleBoundaries(root) {
  const all = moduleNames(root);
  const entry = (files, patterns) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  });
  return [
    ...all.map((m) => entry([`src/modules/${m}/**/*.ts`], modulePatterns(m, all))),
    entry(['src/events/**/*.ts'], facePatterns('src/events')),
    entry(['src/platform/**/*.ts'], facePatterns('src/platform')),
  ];
}

module.exports = { moduleBoundaries };
