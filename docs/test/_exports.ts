import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { compilerOptions, ROOT } from './_samples.js'

/** One public export of a package and what its documentation lacks. */
export interface ExportProblem {
  pkg: string
  name: string
  where: string
  problem: 'no doc comment' | 'no @example'
}

/**
 * The published packages' entry files: each `exports` subpath's source (`@loopkit/source`), so
 * `@loopkit/core/dev`, `@loopkit/core/plugins` and `@loopkit/core/kit` are held to the same rule as the main entries.
 */
export function packageEntries(): string[] {
  const base = join(ROOT, 'packages')
  const entries: string[] = []
  for (const name of readdirSync(base)) {
    const manifest = join(base, name, 'package.json')
    if (!existsSync(manifest)) continue
    const { exports = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      exports?: Record<string, string | Record<string, string>>
    }
    for (const target of Object.values(exports)) {
      const source = typeof target === 'object' ? target['@loopkit/source'] : undefined
      if (source) entries.push(join(base, name, source))
    }
  }
  return entries.filter((file) => existsSync(file)).sort()
}

/**
 * The public exports of each entry that lack a doc comment, and the functions and classes that lack
 * an `@example` — the style rule that every public export is documented, with an example where
 * there is something to call. Types and constants need a comment, not an example.
 */
export function undocumentedExports(entries = packageEntries()): ExportProblem[] {
  const program = ts.createProgram({ rootNames: entries, options: compilerOptions() })
  const checker = program.getTypeChecker()
  const problems: ExportProblem[] = []
  for (const entry of entries) {
    const source = program.getSourceFile(entry)
    const moduleSymbol = source && checker.getSymbolAtLocation(source)
    if (!moduleSymbol) continue
    const pkg = relative(join(ROOT, 'packages'), entry).split('/')[0]!
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      const decl = symbol.declarations?.[0]
      if (!decl) continue
      const where = `${relative(ROOT, decl.getSourceFile().fileName)}:${decl.getSourceFile().getLineAndCharacterOfPosition(decl.getStart()).line + 1}`
      const hasDoc = symbol.getDocumentationComment(checker).some((part) => part.text.trim() !== '')
      const callable = (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)) !== 0
      const hasExample = symbol.getJsDocTags(checker).some((tag) => tag.name === 'example')
      if (!hasDoc) problems.push({ pkg, name: exported.name, where, problem: 'no doc comment' })
      else if (callable && !hasExample)
        problems.push({ pkg, name: exported.name, where, problem: 'no @example' })
    }
  }
  return problems
}
