// site.mjs — the synthetic web site the demo's crawler fetches, served by
// web/server.mjs under /demo/site/: numbered pages that link to each other,
// each answered after its own latency, one slow page, and a link to a page
// that does not exist (404). Everything is computed: no files, no network.

export const PAGES = 40;            // /demo/site/0.html ... /demo/site/39.html
export const SLOW_MS = 4000;        // /demo/site/slow.html answers this late

/** Latency of page n in ms (deterministic: 60..430). */
export const latency = (n) => 60 + ((n * 37) % 371);

/** The pages page n links to (page 0 reaches every page). */
export function links(n) {
  const out = [(n + 1) % PAGES, (n * 7 + 3) % PAGES, (n * 13 + 5) % PAGES].map((k) => `${k}.html`);
  if (n % 11 === 5) out.push('missing.html');
  if (n === 9) out.push('slow.html');
  return [...new Set(out)];
}

function page(n) {
  const items = links(n).map((l) => `<li><a href="/demo/site/${l}">${l}</a></li>`).join('');
  return `<!doctype html><title>page ${n}</title><h1>Page ${n}</h1><ul>${items}</ul>\n`;
}

/** Answer /demo/site/* requests; returns false for other paths. */
export function siteRoutes(req, res) {
  const path = new URL(req.url, 'http://x').pathname;
  if (!path.startsWith('/demo/site/')) return false;
  const name = path.slice('/demo/site/'.length);
  const m = /^(\d+)\.html$/.exec(name);
  const n = m ? Number(m[1]) : -1;
  let delay = 30, status = 404, body = `not found: ${path}\n`;
  if (n >= 0 && n < PAGES) {
    [delay, status, body] = [latency(n), 200, page(n)];
  } else if (name === 'slow.html') {
    [delay, status, body] = [SLOW_MS, 200, '<!doctype html><title>slow</title><h1>Finally</h1>\n'];
  }
  const timer = setTimeout(() => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(body);
  }, delay);
  res.on('close', () => clearTimeout(timer)); // the client gave up (abort, deadline)
  return true;
}
