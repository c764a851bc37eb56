#!/usr/bin/env node
// Builds the Admin Console (admin-web/) when its build is missing or older than any file under
// admin-web/src, so the backend serves the current console under /admin (tests call this first).
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const web = path.resolve(__dirname, '..', 'admin-web');
const index = path.join(web, 'dist', 'admin-web', 'browser', 'index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function run(cmd) {
  process.stdout.write(`> ${cmd} (in admin-web)\n`);
  execSync(cmd, { cwd: web, stdio: 'inherit' });
}

const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
if (built < newestMtime(path.join(web, 'src'))) {
  if (!fs.existsSync(path.join(web, 'node_modules'))) run('npm ci --no-audit --no-fund');
  run('npm run build');
} else {
  process.stdout.write('Admin Console build is up to date.\n');
}
