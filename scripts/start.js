#!/usr/bin/env node
// `npm start`: writes SECRETS_KEY and SESSION_SECRET to .env when unset (never overwriting them)
// and makes .env 0600, builds the API and the console when their build is missing or older than
// the sources, then runs the platform (which creates the database, migrates and creates the first admin).
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureSecrets: ensureEnvSecrets } = require('./env-secrets.js');

const root = path.resolve(__dirname, '..');
const envPath = path.join(root, '.env');

function ensureSecrets() {
  const written = ensureEnvSecrets(envPath);
  if (written.length) process.stdout.write(`Wrote ${written.join(' and ')} to .env\n`);
}

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.'))
      continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function mtime(p) {
  return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0;
}

function run(cmd, cwd = root) {
  process.stdout.write(`> ${cmd}\n`);
  execSync(cmd, { cwd, stdio: 'inherit' });
}

ensureSecrets();
const mainJs = path.join(root, 'dist', 'src', 'main.js');
const sourcesChanged = Math.max(
  newestMtime(path.join(root, 'src')),
  newestMtime(path.join(root, 'migrations')),
);
if (mtime(mainJs) < sourcesChanged) run('npx nest build');
require('./ensure-console.js');
require(mainJs);
