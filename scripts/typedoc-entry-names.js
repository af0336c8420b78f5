// TypeDoc plugin: names each entry point's module by its import specifier. In packages mode
// TypeDoc names the modules of a package by its `exports` keys ("" for ".", "auth" for
// "./auth"); readers import `@box-docgen/client/auth`, so that is the name they look for.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const child of project.children ?? []) {
      if (!child.kindOf(ReflectionKind.Module)) continue;
      child.name = child.name ? `${project.name}/${child.name}` : project.name;
    }
  });
}
