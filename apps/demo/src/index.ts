/**
 * @packageDocumentation
 * The demo page of Briefcase. Its files (`public/index.html`, `public/embed.html`,
 * `public/demo.css`, and `dist/demo.js` built from `src/demo.ts`) are served by `apps/server`
 * beside the elements bundle (`/elements.js`); nothing here runs in Node.
 */

/** URL paths of the demo's pages: the full demo, and a plain page embedding the elements. */
export const demoPages: readonly ['/', '/embed.html'] = ['/', '/embed.html']
