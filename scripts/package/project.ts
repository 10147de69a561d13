/** Paths, file listing and command running shared by the package checks. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export const repoRoot = join(__dirname, '..', '..');
export const packageDir = join(repoRoot, 'force-app');
export const javaLib = join(repoRoot, 'node_modules', '@salesforce', 'code-analyzer-pmd-engine', 'dist', 'java-lib');

/** Every file under `dir` (recursively) whose name ends with one of `suffixes`, sorted. */
export function listFiles(dir: string, suffixes: string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !suffixes.some((suffix) => entry.name.endsWith(suffix))) continue;
    const path = join(entry.parentPath, entry.name);
    if (!path.includes(`${join('/', 'node_modules', '/')}`)) found.push(path);
  }
  return found.sort();
}

export function fromRoot(path: string): string {
  return relative(repoRoot, path);
}

/** Runs the Salesforce CLI offline, with telemetry and update checks off and a throw-away HOME. */
export function runSf(args: string[]): SpawnSyncReturns<string> {
  const home = mkdtempSync(join(tmpdir(), 'leakwatch-sf-'));
  return spawnSync(join(repoRoot, 'node_modules', '.bin', 'sf'), args, {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      HOME: home,
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_USE_PROGRESS_BAR: 'false',
      NO_COLOR: '1',
      NODE_ENV: 'production',
    },
    timeout: 240_000,
  });
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => ['values', 'value', 'fieldPermissions', 'objectPermissions', 'columns', 'fields', 'filters'].includes(name),
});

export function readXml(path: string): Record<string, unknown> {
  return xml.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

export interface FieldDefinition {
  object: string;
  name: string;
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
  externalId: boolean;
  unique: boolean;
  required: boolean;
  referenceTo?: string;
  picklistValues: string[];
  description?: string;
  inlineHelpText?: string;
  path: string;
}

export interface ObjectDefinition {
  name: string;
  dir: string;
  nameFieldType: string;
  sharingModel?: string;
  fields: Map<string, FieldDefinition>;
  listViews: string[];
  compactLayouts: string[];
}

const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));
const int = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));

/** Every custom object, event, setting and metadata type in the package, with its fields. */
export function readObjects(): Map<string, ObjectDefinition> {
  const objects = new Map<string, ObjectDefinition>();
  // A standard object the package adds fields to (objects/Case/fields/…) has no object file of its own.
  const extended = listFiles(packageDir, ['.field-meta.xml'])
    .map((fieldFile) => join(fieldFile, '..', '..'))
    .filter((dir) => !listFiles(dir, ['.object-meta.xml']).length);
  const objectFiles = [...new Set(extended)].map((dir) => join(dir, `${dir.split('/').pop()!}.object-meta.xml`));
  for (const objectFile of [...listFiles(packageDir, ['.object-meta.xml']), ...objectFiles]) {
    const dir = join(objectFile, '..');
    const name = objectFile.split('/').pop()!.replace('.object-meta.xml', '');
    const object = ((existsSync(objectFile) ? readXml(objectFile).CustomObject : undefined) ?? {}) as Record<string, unknown>;
    const nameField = (object.nameField ?? {}) as Record<string, unknown>;
    const fields = new Map<string, FieldDefinition>();
    for (const fieldFile of listFiles(dir, ['.field-meta.xml'])) {
      const field = (readXml(fieldFile).CustomField ?? {}) as Record<string, unknown>;
      const valueSet = (field.valueSet ?? {}) as Record<string, unknown>;
      const definition = (valueSet.valueSetDefinition ?? {}) as Record<string, unknown>;
      const values = (definition.value ?? []) as Record<string, unknown>[];
      const fieldName = String(field.fullName);
      fields.set(fieldName, {
        object: name,
        name: fieldName,
        type: String(field.type),
        length: int(field.length),
        precision: int(field.precision),
        scale: int(field.scale),
        externalId: field.externalId === 'true',
        unique: field.unique === 'true',
        required: field.required === 'true',
        referenceTo: text(field.referenceTo),
        picklistValues: values.map((value) => String(value.fullName)),
        description: text(field.description),
        inlineHelpText: text(field.inlineHelpText),
        path: fieldFile,
      });
    }
    objects.set(name, {
      name,
      dir,
      nameFieldType: String(nameField.type ?? ''),
      sharingModel: text(object.sharingModel),
      fields,
      listViews: listFiles(dir, ['.listView-meta.xml']),
      compactLayouts: listFiles(dir, ['.compactLayout-meta.xml']),
    });
  }
  return objects;
}
