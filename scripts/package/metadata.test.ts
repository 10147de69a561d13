/**
 * The objects match docs/data-model.md (the contract the sidecar and the org emulator rely on), every field a
 * person sees has a description and help text, and the permission sets grant only what exists, with the
 * integration user kept to least privilege.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY_OBJECTS, planCanaries } from '../../sidecar/src/collect/canaries.js';
import { ENTITY_TYPES } from '../../sidecar/src/contract/entities.js';
import { standardObjects } from '../../sidecar/src/emulator/standard-objects.js';
import { type FieldDefinition, fromRoot, listFiles, packageDir, readObjects, readXml, repoRoot } from './project.js';

interface DocumentedField {
  object: string;
  field: string;
  type: string;
}

/** The field tables of docs/data-model.md, one row per field, under `## <Object> — ...` headings. */
export function documentedFields(markdown: string): DocumentedField[] {
  const rows: DocumentedField[] = [];
  let object: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## (\w+__c)\b/.exec(line);
    if (heading) object = heading[1];
    else if (line.startsWith('## ')) object = undefined;
    const row = /^\| (\w+) \| ([^|]+) \|/.exec(line);
    if (object && row && row[1] !== 'field') rows.push({ object, field: row[1]!, type: row[2]!.trim() });
  }
  return rows;
}

/** Why a documented type does not match the field definition, or undefined when it does. */
export function typeMismatch(documented: string, field: FieldDefinition, vocabulary: string[]): string | undefined {
  const sized = /^(\w+)(?:\((\w+)(?:,(\d+))?\))?/.exec(documented);
  if (!sized) return `cannot read "${documented}"`;
  const flags = documented
    .slice(sized[0].length)
    .split(',')
    .map((part) => part.trim());
  const [, kind, first, second] = sized;
  const expectations: [string, unknown, unknown][] = [];
  if (kind === 'Text' || kind === 'LongTextArea') {
    expectations.push(['type', field.type, kind], ['length', field.length, Number(first)]);
  } else if (kind === 'Number') {
    expectations.push(['type', field.type, 'Number'], ['precision', field.precision, Number(first)], ['scale', field.scale, Number(second)]);
  } else if (kind === 'Lookup') {
    expectations.push(['type', field.type, 'Lookup'], ['referenceTo', field.referenceTo, first]);
  } else if (kind === 'Picklist') {
    const listed = documented.includes('entity vocabulary')
      ? vocabulary
      : documented
          .replace(/^Picklist:/, '')
          .split(',')
          .map((value) => value.trim());
    expectations.push(['type', field.type, 'Picklist'], ['values', field.picklistValues.join(';'), listed.join(';')]);
  } else {
    expectations.push(['type', field.type, kind]);
  }
  if (kind !== 'Picklist') {
    expectations.push(['externalId', field.externalId, flags.includes('External ID')]);
    expectations.push(['unique', field.unique, flags.includes('Unique')]);
    expectations.push(['required', field.required, flags.includes('required')]);
  }
  const wrong = expectations.filter(([, actual, expected]) => actual !== expected);
  return wrong.length === 0 ? undefined : wrong.map(([name, actual, expected]) => `${name} is ${String(actual)}, documented ${String(expected)}`).join('; ');
}

const objects = readObjects();
const dataModel = readFileSync(join(repoRoot, 'docs', 'data-model.md'), 'utf8');
const rows = documentedFields(dataModel);
const sidecarObjects = [
  'LeakVerdict__c',
  'PiiFinding__c',
  'PermissionReview__c',
  'Incident__c',
  'ContainmentAction__c',
  'CollectorStatus__c',
  'DataFlow__c',
  'FieldClassification__c',
];

describe('objects match docs/data-model.md', () => {
  it('reads every table of the data model', () => {
    expect(new Set(rows.map((row) => row.object))).toEqual(new Set(sidecarObjects));
    expect(rows.length).toBeGreaterThan(60);
  });

  it('notices a wrong length or a missing flag', () => {
    const field: FieldDefinition = {
      object: 'X__c',
      name: 'A__c',
      type: 'Text',
      length: 40,
      externalId: false,
      unique: false,
      required: false,
      picklistValues: [],
      path: '',
    };
    expect(typeMismatch('Text(36), External ID, Unique, required', field, [])).toContain('length is 40, documented 36');
    expect(typeMismatch('Text(40)', field, [])).toBeUndefined();
  });

  it('defines every documented field with the documented type', () => {
    const vocabulary = [...ENTITY_TYPES];
    const problems = rows.flatMap((row) => {
      const object = objects.get(row.object);
      if (!object) return [`${row.object} is missing`];
      if (row.field === 'Name') {
        const expected = row.type.startsWith('AutoNumber') ? 'AutoNumber' : 'Text';
        return object.nameFieldType === expected ? [] : [`${row.object}.Name is ${object.nameFieldType}, documented ${expected}`];
      }
      const field = object.fields.get(row.field);
      if (!field) return [`${row.object}.${row.field} is missing`];
      const mismatch = typeMismatch(row.type, field, vocabulary);
      return mismatch ? [`${row.object}.${row.field}: ${mismatch}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('defines no undocumented field on the sidecar objects', () => {
    const documented = new Set(rows.map((row) => `${row.object}.${row.field}`));
    const extra = sidecarObjects
      .flatMap((name) => [...(objects.get(name)?.fields.keys() ?? [])].map((field) => `${name}.${field}`))
      .filter((key) => !documented.has(key));
    expect(extra).toEqual([]);
  });
});

describe('objects people work with', () => {
  const customObjects = [...objects.values()].filter((object) => object.sharingModel !== undefined);

  it('keeps records private, with list views and a compact layout', () => {
    expect(customObjects.map((object) => object.name).sort()).toEqual(['DeliveryFailure__c', ...sidecarObjects].sort());
    for (const object of customObjects) {
      expect(object.sharingModel, object.name).toBe('Private');
      expect(object.listViews.length, object.name).toBeGreaterThan(0);
      expect(object.compactLayouts.length, object.name).toBe(1);
    }
  });

  it('describes every field and gives it help text', () => {
    const missing = [...objects.values()]
      .filter((object) => !object.name.endsWith('__e'))
      .flatMap((object) => [...object.fields.values()])
      .filter((field) => !field.description || !field.inlineHelpText)
      .map((field) => fromRoot(field.path));
    expect(missing).toEqual([]);
  });

  it('publishes LeakEvent__e immediately, so rolled-back attempts still count', () => {
    const event = readXml(join(packageDir, 'main', 'capture', 'objects', 'LeakEvent__e', 'LeakEvent__e.object-meta.xml')).CustomObject as Record<
      string,
      unknown
    >;
    expect(event.publishBehavior).toBe('PublishImmediately');
  });
});

describe('permission sets', () => {
  const permissionSets = new Map(
    listFiles(packageDir, ['.permissionset-meta.xml']).map((path) => [
      path.split('/').pop()!.replace('.permissionset-meta.xml', ''),
      readXml(path).PermissionSet as Record<string, unknown>,
    ]),
  );

  // The standard objects a permission set may name, with their documented fields (the org emulator's definitions).
  const standard = new Map(standardObjects().map((o) => [o.name, o]));

  it('lets the opt-in canary set create synthetic Contacts and Leads and nothing else', () => {
    const set = permissionSets.get('LeakwatchCanaryPlanter') as Record<string, unknown>;
    const objectGrants = ([] as Record<string, string>[]).concat(set.objectPermissions as Record<string, string>[]);
    expect(objectGrants.map((g) => [g.object, g.allowCreate, g.allowRead, g.allowEdit, g.allowDelete, g.viewAllRecords, g.modifyAllRecords])).toEqual([
      ['Contact', 'true', 'true', 'false', 'false', 'false', 'false'],
      ['Lead', 'true', 'true', 'false', 'false', 'false', 'false'],
    ]);
    expect(set.userPermissions).toBeUndefined();
    expect(set.classAccesses).toBeUndefined();
    // The fields the sidecar fills when it plants (collect/canaries.ts), besides the name and required ones.
    const fields = ([] as Record<string, string>[])
      .concat(set.fieldPermissions as Record<string, string>[])
      .map((g) => g.field!)
      .sort();
    expect(fields).toEqual(['Contact.Email', 'Lead.Email']);
    for (const object of CANARY_OBJECTS) {
      const planted = Object.keys(planCanaries(object, 1)[0]!.fields);
      const definition = standard.get(object)!;
      const needsGrant = planted.filter((f) => !definition.fields.get(f)?.required && !['FirstName', 'LastName'].includes(f));
      expect(needsGrant.map((f) => `${object}.${f}`)).toEqual(fields.filter((f) => f.startsWith(`${object}.`)));
    }
  });

  it('lets the opt-in real-time set view Real-Time Event Monitoring data and nothing else', () => {
    const set = permissionSets.get('LeakwatchRealtimeReader') as Record<string, unknown>;
    // "View Real-Time Event Monitoring Data" is the ViewDataLeakageEvents user permission.
    expect(([] as Record<string, string>[]).concat(set.userPermissions as Record<string, string>[])).toEqual([
      { enabled: 'true', name: 'ViewDataLeakageEvents' },
    ]);
    for (const key of ['objectPermissions', 'fieldPermissions', 'classAccesses', 'customPermissions', 'tabSettings']) expect(set[key], key).toBeUndefined();
  });

  it('defines the admin, reviewer and integration personas', () => {
    expect([...permissionSets.keys()].sort()).toEqual([
      'LeakwatchAdmin',
      'LeakwatchCanaryPlanter',
      'LeakwatchIntegration',
      'LeakwatchRealtimeReader',
      'LeakwatchReviewer',
    ]);
  });

  it('grants access only to objects and fields that exist, never to required fields', () => {
    const problems: string[] = [];
    for (const [name, permissionSet] of permissionSets) {
      for (const grant of ([] as Record<string, string>[]).concat((permissionSet.objectPermissions ?? []) as Record<string, string>[])) {
        if (!objects.has(grant.object!) && !standard.has(grant.object!)) problems.push(`${name}: object ${grant.object}`);
      }
      for (const grant of ([] as Record<string, string>[]).concat((permissionSet.fieldPermissions ?? []) as Record<string, string>[])) {
        const [objectName = '', fieldName = ''] = grant.field!.split('.');
        const field = objects.get(objectName)?.fields.get(fieldName) ?? standard.get(objectName)?.fields.get(fieldName);
        if (!field || field.required) problems.push(`${name}: field ${grant.field}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('refers only to tabs, classes and the app that exist', () => {
    const tabs = new Set(listFiles(packageDir, ['.tab-meta.xml']).map((path) => path.split('/').pop()!.replace('.tab-meta.xml', '')));
    const classes = new Set(listFiles(packageDir, ['.cls']).map((path) => path.split('/').pop()!.replace('.cls', '')));
    const app = readXml(join(packageDir, 'main', 'setup', 'applications', 'Leakwatch.app-meta.xml')).CustomApplication as Record<string, unknown>;
    const appTabs = ([] as string[]).concat(app.tabs as string | string[]);
    const problems = appTabs.filter((tab) => !tabs.has(tab)).map((tab) => `app: tab ${tab}`);
    for (const [name, permissionSet] of permissionSets) {
      for (const setting of ([] as Record<string, string>[]).concat((permissionSet.tabSettings ?? []) as Record<string, string>[])) {
        if (!tabs.has(setting.tab!)) problems.push(`${name}: tab ${setting.tab}`);
      }
      for (const access of ([] as Record<string, string>[]).concat((permissionSet.classAccesses ?? []) as Record<string, string>[])) {
        if (!classes.has(access.apexClass!)) problems.push(`${name}: class ${access.apexClass}`);
      }
    }
    expect(appTabs.length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it('grants only custom permissions that exist, and the ones Apex checks exist', () => {
    const defined = new Set(
      listFiles(packageDir, ['.customPermission-meta.xml']).map((path) => path.split('/').pop()!.replace('.customPermission-meta.xml', '')),
    );
    const problems: string[] = [];
    for (const [name, permissionSet] of permissionSets) {
      for (const grant of ([] as Record<string, string>[]).concat((permissionSet.customPermissions ?? []) as Record<string, string>[])) {
        if (!defined.has(grant.name!)) problems.push(`${name}: custom permission ${grant.name}`);
      }
    }
    const checked = listFiles(join(packageDir, 'main'), ['.cls']).flatMap((path) => {
      const source = readFileSync(path, 'utf8');
      return [...source.matchAll(/FeatureManagement\.checkPermission\(\s*(?:'([^']*)'|(\w+))\s*\)/g)].map(
        (match) => match[1] ?? new RegExp(`\\b${match[2]}\\s*=\\s*'([^']*)'`).exec(source)?.[1] ?? `${fromRoot(path)}: ${match[2]}`,
      );
    });
    expect(checked).toContain('ManageCanaries');
    expect(checked).toContain('ManageDataClassification');
    problems.push(...checked.filter((name) => !defined.has(name)).map((name) => `Apex checks ${name}`));
    expect(problems).toEqual([]);
  });

  it('lets only admins plant and list canaries', () => {
    const holders = [...permissionSets]
      .filter(([, permissionSet]) =>
        ([] as Record<string, string>[])
          .concat((permissionSet.customPermissions ?? []) as Record<string, string>[])
          .some((grant) => grant.name === 'ManageCanaries' && grant.enabled === 'true'),
      )
      .map(([name]) => name);
    expect(holders).toEqual(['LeakwatchAdmin']);
  });

  it('keeps the integration user to create, read and edit, without View All, Modify All or Modify All Data', () => {
    const integration = permissionSets.get('LeakwatchIntegration')!;
    const text = JSON.stringify(integration);
    expect(text).not.toContain('ModifyAllData');
    expect(text).not.toContain('ViewAllData');
    for (const grant of integration.objectPermissions as Record<string, string>[]) {
      expect([grant.object, grant.allowDelete, grant.viewAllRecords, grant.modifyAllRecords]).toEqual([grant.object, 'false', 'false', 'false']);
    }
  });

  it('gives the integration user only the read permissions the collectors need (docs/package.md says why)', () => {
    const granted = (permissionSet: Record<string, unknown>) =>
      ([] as Record<string, string>[])
        .concat((permissionSet.userPermissions ?? []) as Record<string, string>[])
        .filter((permission) => permission.enabled === 'true')
        .map((permission) => permission.name)
        .sort();
    expect(granted(permissionSets.get('LeakwatchIntegration')!)).toEqual(['ApiEnabled', 'MonitorLoginHistory', 'ViewEventLogFiles', 'ViewSetup']);
    const documented = readFileSync(join(repoRoot, 'docs', 'package.md'), 'utf8');
    for (const name of granted(permissionSets.get('LeakwatchIntegration')!)) expect(documented).toContain(`\`${name}\``);
    expect(granted(permissionSets.get('LeakwatchAdmin')!)).toEqual([]);
    expect(granted(permissionSets.get('LeakwatchReviewer')!)).toEqual([]);
  });

  it('lets the integration user write data flows and classification suggestions, only admins decide them, and everyone reads them', () => {
    const objectGrant = (name: string, object: string) =>
      ((permissionSets.get(name)!.objectPermissions ?? []) as Record<string, string>[]).find((permission) => permission.object === object);
    const fieldGrants = (name: string, object: string) =>
      ([] as Record<string, string>[])
        .concat((permissionSets.get(name)!.fieldPermissions ?? []) as Record<string, string>[])
        .filter((grant) => grant.field!.startsWith(`${object}.`));
    const editable = (name: string, object: string) =>
      fieldGrants(name, object)
        .filter((grant) => grant.editable === 'true')
        .map((grant) => grant.field!.split('.')[1])
        .sort();
    for (const object of ['DataFlow__c', 'FieldClassification__c']) {
      expect(objectGrant('LeakwatchIntegration', object), object).toMatchObject({
        allowCreate: 'true',
        allowEdit: 'true',
        allowRead: 'true',
        allowDelete: 'false',
      });
      expect(objectGrant('LeakwatchReviewer', object), object).toMatchObject({
        allowCreate: 'false',
        allowEdit: 'false',
        allowRead: 'true',
        allowDelete: 'false',
        viewAllRecords: 'true',
      });
      const optional = [...objects.get(object)!.fields.values()]
        .filter((field) => !field.required)
        .map((field) => field.name)
        .sort();
      for (const name of ['LeakwatchIntegration', 'LeakwatchAdmin', 'LeakwatchReviewer']) {
        expect(
          fieldGrants(name, object)
            .filter((grant) => grant.readable === 'true')
            .map((grant) => grant.field!.split('.')[1])
            .sort(),
          `${name} reads ${object}`,
        ).toEqual(optional);
      }
      expect(editable('LeakwatchReviewer', object), object).toEqual([]);
    }
    expect(objectGrant('LeakwatchAdmin', 'DataFlow__c')).toMatchObject({
      allowCreate: 'false',
      allowEdit: 'false',
      allowRead: 'true',
      allowDelete: 'false',
      viewAllRecords: 'true',
    });
    // The integration user owns the suggestions (private sharing): deciding them takes Modify All on the object.
    expect(objectGrant('LeakwatchAdmin', 'FieldClassification__c')).toMatchObject({
      allowCreate: 'false',
      allowEdit: 'true',
      allowRead: 'true',
      allowDelete: 'false',
      modifyAllRecords: 'true',
    });
    expect(editable('LeakwatchAdmin', 'DataFlow__c')).toEqual([]);
    expect(editable('LeakwatchAdmin', 'FieldClassification__c')).toEqual(['ReviewedAt__c', 'ReviewedBy__c', 'Status__c']);
    expect(editable('LeakwatchIntegration', 'FieldClassification__c')).not.toContain('ReviewedBy__c');
    expect(editable('LeakwatchIntegration', 'FieldClassification__c')).not.toContain('ReviewedAt__c');
    expect(editable('LeakwatchIntegration', 'FieldClassification__c')).toEqual(expect.arrayContaining(['AppliedAt__c', 'LastError__c', 'Status__c']));
    const holders = [...permissionSets]
      .filter(([, permissionSet]) =>
        ([] as Record<string, string>[])
          .concat((permissionSet.customPermissions ?? []) as Record<string, string>[])
          .some((grant) => grant.name === 'ManageDataClassification' && grant.enabled === 'true'),
      )
      .map(([name]) => name);
    expect(holders).toEqual(['LeakwatchAdmin']);
  });

  it('lets reviewers queue a decision for the sidecar and read its outcome, and the integration user write the outcome', () => {
    const enforcement = ['EnforcedAt__c', 'EnforcementAttempts__c', 'EnforcementError__c', 'EnforcementStatus__c'];
    const grants = (name: string, flag: 'readable' | 'editable') =>
      ([] as Record<string, string>[])
        .concat((permissionSets.get(name)!.fieldPermissions ?? []) as Record<string, string>[])
        .filter(
          (grant) =>
            enforcement.includes(grant.field!.replace('PermissionReview__c.', '')) && grant.field!.startsWith('PermissionReview__c.') && grant[flag] === 'true',
        )
        .map((grant) => grant.field!.split('.')[1])
        .sort();
    for (const name of ['LeakwatchReviewer', 'LeakwatchAdmin']) {
      expect(grants(name, 'readable'), name).toEqual(enforcement);
      expect(grants(name, 'editable'), name).toEqual(['EnforcementStatus__c']);
    }
    expect(grants('LeakwatchIntegration', 'readable')).toEqual(enforcement);
    expect(grants('LeakwatchIntegration', 'editable')).toEqual(enforcement);
  });

  it('lets the integration user write the coverage map, and admins and reviewers read it', () => {
    const grant = (name: string) =>
      ((permissionSets.get(name)!.objectPermissions ?? []) as Record<string, string>[]).find((permission) => permission.object === 'CollectorStatus__c');
    expect(grant('LeakwatchIntegration')).toMatchObject({ allowCreate: 'true', allowEdit: 'true', allowRead: 'true', allowDelete: 'false' });
    expect(grant('LeakwatchAdmin')).toMatchObject({ allowCreate: 'false', allowRead: 'true', viewAllRecords: 'true' });
    expect(grant('LeakwatchReviewer')).toMatchObject({ allowCreate: 'false', allowEdit: 'false', allowRead: 'true', viewAllRecords: 'true' });
  });

  it('lets the integration user propose and carry out containment, and only reviewers and admins decide it', () => {
    const fieldGrants = (name: string, object: string) =>
      ([] as Record<string, string>[])
        .concat((permissionSets.get(name)!.fieldPermissions ?? []) as Record<string, string>[])
        .filter((grant) => grant.field!.startsWith(`${object}.`));
    const named = (name: string, object: string, flag: 'readable' | 'editable') =>
      fieldGrants(name, object)
        .filter((grant) => grant[flag] === 'true')
        .map((grant) => grant.field!.split('.')[1])
        .sort();
    const objectGrant = (name: string) =>
      ((permissionSets.get(name)!.objectPermissions ?? []) as Record<string, string>[]).find((permission) => permission.object === 'ContainmentAction__c');
    const optional = [...objects.get('ContainmentAction__c')!.fields.values()]
      .filter((field) => !field.required)
      .map((field) => field.name)
      .sort();
    const decidedInTheOrg = ['DecidedAt__c', 'DecidedBy__c', 'UndoneBy__c'];
    const sidecarIncidentFields = ['ContainedAt__c', 'TimeToContainmentSeconds__c'];
    expect(objectGrant('LeakwatchIntegration')).toMatchObject({ allowCreate: 'true', allowEdit: 'true', allowRead: 'true', allowDelete: 'false' });
    expect(named('LeakwatchIntegration', 'ContainmentAction__c', 'readable')).toEqual(optional);
    expect(named('LeakwatchIntegration', 'ContainmentAction__c', 'editable')).toEqual(optional.filter((field) => !decidedInTheOrg.includes(field)));
    expect(named('LeakwatchIntegration', 'Incident__c', 'editable')).toEqual(expect.arrayContaining(sidecarIncidentFields));
    const playbooks = (name: string) =>
      ([] as Record<string, string>[])
        .concat((permissionSets.get(name)!.customMetadataTypeAccesses ?? []) as Record<string, string>[])
        .some((access) => access.name === 'ContainmentPlaybook__mdt' && access.enabled === 'true');
    expect(playbooks('LeakwatchIntegration')).toBe(true);
    for (const name of ['LeakwatchAdmin', 'LeakwatchReviewer']) {
      // The integration user owns the actions (private sharing): deciding them takes Modify All on the object.
      expect(objectGrant(name), name).toMatchObject({
        allowCreate: 'false',
        allowEdit: 'true',
        allowRead: 'true',
        allowDelete: 'false',
        viewAllRecords: 'true',
        modifyAllRecords: 'true',
      });
      expect(named(name, 'ContainmentAction__c', 'readable'), name).toEqual(optional);
      expect(named(name, 'ContainmentAction__c', 'editable'), name).toEqual(decidedInTheOrg);
      expect(
        fieldGrants(name, 'Incident__c').filter((grant) => sidecarIncidentFields.includes(grant.field!.split('.')[1]!)),
        name,
      ).toEqual(sidecarIncidentFields.map((field) => ({ editable: 'false', field: `Incident__c.${field}`, readable: 'true' })));
    }
    const holders = [...permissionSets]
      .filter(([, permissionSet]) =>
        ([] as Record<string, string>[])
          .concat((permissionSet.customPermissions ?? []) as Record<string, string>[])
          .some((grant) => grant.name === 'ApproveContainment' && grant.enabled === 'true'),
      )
      .map(([name]) => name)
      .sort();
    expect(holders).toEqual(['LeakwatchAdmin', 'LeakwatchReviewer']);
  });
});
