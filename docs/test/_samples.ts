import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** The repository root (this file is `docs/test/_samples.ts`). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** One fenced TypeScript block of a markdown page. */
export interface Sample {
  /** The page, relative to the repository root. */
  page: string
  /** 1-based line of the first code line in the page. */
  line: number
  code: string
  /** `ts nocheck`: shown to readers, not compiled. */
  nocheck: boolean
  /** `ts title=lib/loop.ts`: the file name other blocks of the same page import it by. */
  title: string | null
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/

/**
 * The ```ts blocks of a page. Only `ts` and `typescript` blocks are samples; the info string may
 * add `nocheck` and `title=<relative path>`.
 */
export function extractSamples(page: string, markdown: string): Sample[] {
  const samples: Sample[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!)
    if (!open) continue
    const [, indent, fence, lang, info] = open as unknown as [string, string, string, string, string]
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const line = lines[j]!
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break
      body.push(indent && line.startsWith(indent) ? line.slice(indent.length) : line)
    }
    if (lang === 'ts' || lang === 'typescript') {
      const words = info.split(/\s+/).filter(Boolean)
      const title = words.find((w) => w.startsWith('title='))?.slice('title='.length) ?? null
      samples.push({ page, line: i + 2, code: body.join('\n'), nocheck: words.includes('nocheck'), title })
    }
    i = j
  }
  return samples
}

/** Every markdown page under `docs/`, except the generated reference. */
export function docPages(dir = join(ROOT, 'docs')): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name === 'reference' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue
      out.push(...docPages(full))
    } else if (entry.name.endsWith('.md')) {
      out.push(relative(ROOT, full))
    }
  }
  return out.sort()
}

/** A type error, located in the markdown page. */
export interface SampleProblem {
  where: string
  message: string
}

/** Workspace package directories, for resolving `@loopkit/*` and third-party imports of samples. */
function workspaceDirs(): string[] {
  const dirs: string[] = []
  for (const group of ['packages', 'examples']) {
    const base = join(ROOT, group)
    if (!existsSync(base)) continue
    for (const name of readdirSync(base)) {
      if (existsSync(join(base, name, 'package.json'))) dirs.push(join(base, name))
    }
  }
  return dirs
}

function packageDirs(): Map<string, string> {
  const byName = new Map<string, string>()
  for (const dir of workspaceDirs()) {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }
    if (name) byName.set(name, dir)
  }
  return byName
}

/** The root tsconfig's compiler options (with the `@loopkit/source` condition), for checking without emitting. */
export function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json')
  const { config, error } = ts.readConfigFile(file, (p) => ts.sys.readFile(p))
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, file)
  // The root options as they are (strict, exactOptionalPropertyTypes, NodeNext, the
  // `@loopkit/source` condition), so a sample compiles exactly like the packages' own code.
  return { ...parsed.options, noEmit: true }
}

let previous: ts.Program | undefined
const parsed = new Map<string, ts.SourceFile>()

/** Where the samples of a page live while they are compiled (nothing is written to disk). */
function samplePath(sample: Sample, index: number): string {
  const pageDir = join(ROOT, 'docs', '.samples', sample.page.replace(/\.md$/, ''))
  return join(pageDir, sample.title ?? `block-${index + 1}.ts`)
}

/**
 * Type-checks samples in one program with the root tsconfig options. Each block is its own module
 * (an `export {}` is appended); `@loopkit/<name>` resolves to the workspace package through its
 * exports map and the `@loopkit/source` condition, exactly as the packages resolve each other.
 */
export function checkSamples(samples: Sample[]): SampleProblem[] {
  const options = compilerOptions()
  const packages = packageDirs()
  const files = new Map<string, { sample: Sample; text: string }>()
  samples.forEach((sample, i) => {
    if (sample.nocheck) return
    const path = samplePath(sample, i)
    if (files.has(path))
      throw new Error(`${sample.page}:${sample.line}: two samples are titled ${sample.title}`)
    files.set(path, { sample, text: `${sample.code}\nexport {}\n` })
  })

  const host = ts.createCompilerHost(options, true)
  const readFile = host.readFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.readFile = (p) => files.get(p)?.text ?? readFile(p)
  host.fileExists = (p) => files.has(p) || fileExists(p)
  const dirs = new Set(
    [...files.keys()].flatMap((p) => {
      const out: string[] = []
      for (let d = dirname(p); d.startsWith(join(ROOT, 'docs', '.samples')); d = dirname(d)) out.push(d)
      return out
    }),
  )
  const directoryExists = host.directoryExists?.bind(host)
  host.directoryExists = (d) =>
    dirs.has(d) || (directoryExists ? directoryExists(d) : ts.sys.directoryExists(d))
  host.getSourceFile = (p, language, onError, create) => {
    const virtual = files.get(p)
    if (virtual) return ts.createSourceFile(p, virtual.text, language, true)
    const key = `${p}|${typeof language === 'object' ? language.impliedNodeFormat : ''}`
    let sf = parsed.get(key)
    if (!sf) {
      sf = getSourceFile(p, language, onError, create)
      if (sf) parsed.set(key, sf)
    }
    return sf
  }
  const resolveFrom = (name: string, containingFile: string, mode: ts.ResolutionMode) =>
    ts.resolveModuleName(name, containingFile, options, host, undefined, undefined, mode).resolvedModule
  host.resolveModuleNameLiterals = (literals, containingFile, _redirected, _options, sourceFile) =>
    literals.map((literal) => {
      const name = literal.text
      const mode = ts.getModeForUsageLocation(sourceFile, literal, options)
      const scoped = /^(@loopkit\/[^/]+)/.exec(name)
      const own = scoped ? packages.get(scoped[1]!) : undefined
      // A package resolving its own name goes through its exports map and our condition.
      let resolved = own
        ? resolveFrom(name, join(own, 'package.json'), mode)
        : resolveFrom(name, containingFile, mode)
      if (!resolved && !own && !name.startsWith('.') && files.has(containingFile)) {
        // Third-party modules a sample uses (hono, …) are installed in some workspace package.
        for (const dir of workspaceDirs()) {
          resolved = resolveFrom(name, join(dir, 'package.json'), mode)
          if (resolved) break
        }
      }
      return { resolvedModule: resolved }
    })

  // Reusing the previous program keeps the packages' parsed sources: later checks take a fraction.
  const program = ts.createProgram({
    rootNames: [...files.keys()],
    options,
    host,
    ...(previous ? { oldProgram: previous } : {}),
  })
  previous = program
  // Only the samples' own diagnostics: the packages are type-checked by `pnpm typecheck`.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...files.keys()].flatMap((p) => {
      const sf = program.getSourceFile(p)!
      return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]
    }),
  ]
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    const virtual = d.file ? files.get(d.file.fileName) : undefined
    if (d.file && virtual && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start)
      return { where: `${virtual.sample.page}:${virtual.sample.line + line}`, message }
    }
    return { where: d.file ? relative(ROOT, d.file.fileName) : '(global)', message }
  })
}
