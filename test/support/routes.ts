// Lists every route an Express 5 app has mounted, as "METHOD /path", so tests can
// insist that each one is covered (authorization matrix, OpenAPI document).
type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };

function walk(stack: Layer[], prefix = ''): string[] {
  const join = (a: string, b: string) => `${a}/${b}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return stack.flatMap((layer) => {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') throw new Error(`route with a non-string path under ${prefix}: give it a string path so tests can name it`);
      const path = join(prefix, layer.route.path);
      return Object.keys(layer.route.methods)
        .filter((m) => layer.route!.methods[m])
        .map((m) => `${m === '_all' ? 'ALL' : m.toUpperCase()} ${path}`);
    }
    if (layer.handle?.stack) {
      if (typeof layer.rawPath !== 'string') throw new Error(`router mounted at a non-string path under ${prefix}`);
      return walk(layer.handle.stack, join(prefix, layer.rawPath));
    }
    return []; // plain middleware (parsers, authentication, static files)
  });
}

export function mountedRoutes(app: unknown): string[] {
  return walk((app as { router: { stack: Layer[] } }).router.stack);
}
