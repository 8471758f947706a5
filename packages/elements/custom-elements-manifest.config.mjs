// Configuration of `cem analyze` (custom-elements.json). The analyzer reads `@fires` tags and
// also guesses an event from every `dispatchEvent(new SomeEvent(arg))`, naming it after the first
// argument. Our events carry their name in a static field, so the guesses are wrong: this plugin
// keeps the documented events and gives each the class its description names.
const EVENT_CLASS = /\(`(\w+Event)`/

/** Keeps `@fires` events (all named `briefcase-…`) and types them with their event class. */
const documentedEvents = {
  name: 'briefcase-documented-events',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules) {
      for (const declaration of mod.declarations ?? []) {
        if (!declaration.events) continue
        declaration.events = declaration.events
          .filter((event) => event.name?.startsWith('briefcase-'))
          .map((event) => {
            const match = EVENT_CLASS.exec(event.description ?? '')
            return match ? { ...event, type: { text: match[1] } } : event
          })
      }
    }
  },
}

/**
 * Points the manifest at what is published: `src/briefcase-x.ts` becomes `dist/briefcase-x.js`
 * (`tsc -b` output; `src/` is not in the package).
 */
const shippedPaths = {
  name: 'briefcase-shipped-paths',
  packageLinkPhase({ customElementsManifest }) {
    const visit = (node) => {
      if (Array.isArray(node)) return node.forEach(visit)
      if (!node || typeof node !== 'object') return
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'path' || key === 'module') && typeof value === 'string')
          node[key] = value.replace(/^\/?src\/(.*)\.ts$/, 'dist/$1.js')
        else visit(value)
      }
    }
    visit(customElementsManifest.modules)
  },
}

export default {
  globs: ['src/briefcase-*.ts'],
  exclude: ['src/**/*.test.ts'],
  litelement: true,
  // The manifest's place is in package.json already; the analyzer must not rewrite it.
  packagejson: false,
  plugins: [documentedEvents, shippedPaths],
}
