/**
 * TypeDoc plugin: resolves `{@link Name}` to a declaration of another package of the monorepo.
 *
 * TypeScript parses `@throws {@link BackendError}` as a JSDoc type expression, not as a link, so TypeDoc
 * cannot use the compiler's symbol for it and falls back to looking the name up in the comment's own
 * module. When that fails, this resolver looks the name (or dotted path, e.g. `Backend.doGenerate`) up
 * in every documented module and links to it when exactly one declaration matches.
 */

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.addUnknownSymbolResolver((reference, reflection) => {
    const path = reference.symbolReference?.path;
    if (reference.moduleSource !== undefined || path === undefined || path.length === 0) return undefined;
    const names = path.map((component) => component.path);
    const matches = new Set();
    for (const module of reflection.project.children ?? []) {
      const match = module.getChildByName(names);
      if (match !== undefined) matches.add(match);
    }
    if (matches.size !== 1) return undefined;
    const [target] = matches;
    return { target, caption: names.join('.') };
  });
}
