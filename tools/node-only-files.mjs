// For the test runner's and the bench's dev servers: files a package maps to `false` in its "browser" field
// (Node.js-only code), served empty as a bundler (Vite) does. The servers' node resolution does not apply that
// mapping to a package's own relative imports, and mediabunny's node.js re-exports node:fs, which no browser loads.

const emptied = ['/node_modules/mediabunny/dist/modules/src/node.js'];

export function nodeOnlyFilesPlugin() {
  return {
    name: 'node-only-files',
    serve(context) {
      if (emptied.some((path) => context.path.endsWith(path))) return { body: 'export const fs = undefined;', type: 'js' };
      return undefined;
    },
  };
}
