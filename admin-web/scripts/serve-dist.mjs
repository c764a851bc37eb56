// Serves the production build the way the backend does: /admin/* from dist/admin-web/browser,
// unknown paths under /admin fall back to index.html. With API_TARGET set (e.g.
// http://127.0.0.1:3000) /api/* is proxied there; otherwise /api answers 503.
// Usage: node scripts/serve-dist.mjs [port]   (default 4300, binds 127.0.0.1 only)
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest, createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../dist/admin-web/browser', import.meta.url)));
const port = Number(process.argv[2] ?? 4300);
const apiTarget = process.env.API_TARGET ? new URL(process.env.API_TARGET) : null;
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

function sendFile(res, file) {
  res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname.startsWith('/api/')) {
    if (!apiTarget) {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'No backend behind this static server.' }));
      return;
    }
    const upstream = httpRequest(
      {
        host: apiTarget.hostname,
        port: apiTarget.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
    return;
  }
  if (url.pathname === '/' || url.pathname === '/admin') {
    res.writeHead(302, { Location: '/admin/' });
    res.end();
    return;
  }
  if (!url.pathname.startsWith('/admin/')) {
    res.writeHead(404);
    res.end('Not found');
    return;
  }
  const rel = normalize(decodeURIComponent(url.pathname.slice('/admin/'.length)));
  const file = join(root, rel);
  if (file.startsWith(root) && rel && rel !== '.') {
    try {
      if (statSync(file).isFile()) return sendFile(res, file);
    } catch {
      /* fall through to index.html */
    }
  }
  sendFile(res, join(root, 'index.html'));
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`admin-web dist on http://127.0.0.1:${port}/admin/\n`);
});
