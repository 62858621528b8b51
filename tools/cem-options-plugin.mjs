// A @custom-elements-manifest/analyzer plugin: documents <blaze-face>'s options from their one declaration,
// components/options.ts, which the analyzer cannot read by itself (the element's properties are derived from
// the table at run time), and leaves its private members and repeated overloads out. Each option becomes a field
// and, unless it is a property only, an attribute, with its type, default, description and the feature that owns
// it (`x-feature`, for docs/element.md's grouping). Values come from the table itself; descriptions and types from
// its source (each entry's doc comment and `option<Type>`), which the shipped bundle does not carry.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

/** components/options.ts, bundled for Node and imported, each entry with its `doc` and `typeText` from the source. */
export async function loadElementOptions(root) {
  const options = await importOptions(root);
  for (const [name, { doc, typeText }] of Object.entries(readSourceDocs(resolve(root, 'components/options.ts')))) {
    if (!options[name]) continue;
    options[name] = { ...options[name], doc, typeText };
  }
  const undocumented = Object.keys(options).filter((name) => !options[name].doc);
  if (undocumented.length > 0) throw new Error(`components/options.ts: no doc comment on ${undocumented.join(', ')}`);
  return options;
}

/** The doc comment and the `option<Type>` of each entry of `elementOptions`, read from the source. */
function readSourceDocs(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const docs = {};
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && node.name.getText(source) === 'elementOptions' && node.initializer && ts.isObjectLiteralExpression(node.initializer)) {
      for (const property of node.initializer.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const comment = ts.getJSDocCommentsAndTags(property).find(ts.isJSDoc)?.comment;
        const call = property.initializer;
        const typeArgument = ts.isCallExpression(call) ? call.typeArguments?.[0] : undefined;
        docs[property.name.getText(source)] = {
          doc: ts.getTextOfJSDocComment(comment)?.replace(/\s+/g, ' ').trim(),
          typeText: typeArgument?.getText(source),
        };
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return docs;
}

async function importOptions(root) {
  const bundle = await build({
    entryPoints: [resolve(root, 'components/options.ts')], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'error',
  });
  const folder = mkdtempSync(join(tmpdir(), 'blaze-face-options-'));
  try {
    const file = join(folder, 'options.mjs');
    writeFileSync(file, bundle.outputFiles[0].text);
    return (await import(pathToFileURL(file).href)).elementOptions;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const literal = (value) => (value === undefined ? 'undefined' : JSON.stringify(value));

/** The values an option takes, listed where the table lists them, else its declared type. */
function typeOf(spec) {
  return spec.values ? spec.values.map(literal).join(' | ') : spec.typeText;
}

export function optionsPlugin(options) {
  return {
    name: 'blaze-face-options',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.tagName !== 'blaze-face') continue;
          const named = new Set(Object.keys(options));
          // Private fields and methods are the element's workings, not its API; an overloaded method is one entry.
          const seen = new Set();
          declaration.members = (declaration.members ?? []).filter((member) => {
            if (named.has(member.name) || member.privacy === 'private' || seen.has(member.name)) return false;
            seen.add(member.name);
            return true;
          });
          declaration.attributes = (declaration.attributes ?? []).filter((attribute) => !named.has(attribute.fieldName));
          for (const [name, spec] of Object.entries(options)) {
            const described = { type: { text: typeOf(spec) }, default: literal(spec.default), description: spec.doc, 'x-feature': spec.feature };
            declaration.members.push({
              kind: 'field', name, ...described,
              ...(spec.attribute ? { attribute: spec.attribute, ...(spec.reflect ? { reflects: true } : {}) } : {}),
            });
            if (spec.attribute) declaration.attributes.push({ name: spec.attribute, fieldName: name, ...described });
          }
        }
      }
    },
  };
}
