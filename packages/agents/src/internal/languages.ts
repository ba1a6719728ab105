const byExtension: Record<string, string> = {
  ts: "TypeScript",
  tsx: "TypeScript",
  mts: "TypeScript",
  cts: "TypeScript",
  js: "JavaScript",
  jsx: "JavaScript",
  mjs: "JavaScript",
  cjs: "JavaScript",
  json: "JSON",
  jsonc: "JSON",
  md: "Markdown",
  mdx: "Markdown",
  py: "Python",
  go: "Go",
  rs: "Rust",
  java: "Java",
  kt: "Kotlin",
  kts: "Kotlin",
  scala: "Scala",
  swift: "Swift",
  c: "C",
  h: "C",
  cc: "C++",
  cpp: "C++",
  cxx: "C++",
  hpp: "C++",
  hh: "C++",
  cs: "C#",
  fs: "F#",
  rb: "Ruby",
  php: "PHP",
  sh: "Shell",
  bash: "Shell",
  zsh: "Shell",
  ps1: "PowerShell",
  yml: "YAML",
  yaml: "YAML",
  toml: "TOML",
  ini: "INI",
  xml: "XML",
  html: "HTML",
  htm: "HTML",
  css: "CSS",
  scss: "SCSS",
  less: "Less",
  vue: "Vue",
  svelte: "Svelte",
  sql: "SQL",
  graphql: "GraphQL",
  proto: "Protocol Buffers",
  lua: "Lua",
  dart: "Dart",
  ex: "Elixir",
  exs: "Elixir",
  erl: "Erlang",
  hs: "Haskell",
  clj: "Clojure",
  r: "R",
  pl: "Perl",
  tf: "Terraform",
  txt: "Text"
}

const byName: Record<string, string> = {
  dockerfile: "Dockerfile",
  makefile: "Makefile",
  gnumakefile: "Makefile",
  "cmakelists.txt": "CMake",
  gemfile: "Ruby",
  rakefile: "Ruby",
  jenkinsfile: "Groovy"
}

/** The file's base name and its extension (lower case, without the dot; `""` when it has none). */
export const baseAndExtension = (path: string): { readonly base: string; readonly extension: string } => {
  const base = path.slice(path.lastIndexOf("/") + 1)
  const dot = base.lastIndexOf(".")
  return { base, extension: dot <= 0 ? "" : base.slice(dot + 1).toLowerCase() }
}

/** The language of a file by its name or extension, or `undefined` when it is not a recognised text format. */
export const languageOf = (path: string): string | undefined => {
  const { base, extension } = baseAndExtension(path)
  return (
    byName[base.toLowerCase()] ?? (base.toLowerCase().startsWith("dockerfile") ? "Dockerfile" : byExtension[extension])
  )
}
