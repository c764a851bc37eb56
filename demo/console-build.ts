import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.'))
      continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the Admin Console when its build is missing or older than its sources, as `npm start`
 * does (the first time on a clean clone this installs its packages and takes a few minutes).
 */
export function ensureConsoleBuilt(root: string, say: (line: string) => void): void {
  const web = join(root, 'admin-web');
  if (!existsSync(join(web, 'package.json'))) return;
  const index = join(web, 'dist', 'admin-web', 'browser', 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built >= newestMtime(join(web, 'src'))) return;
  say('Building the Admin Console first (once; a few minutes on a clean clone)...');
  const run = (cmd: string): void => {
    say(`> ${cmd} (in admin-web)`);
    execSync(cmd, { cwd: web, stdio: 'inherit' });
  };
  if (!existsSync(join(web, 'node_modules'))) run('npm ci --no-audit --no-fund');
  run('npm run build');
}
