import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_DIR } from '../../src/emulator/index.js';
import { loadSchema } from '../../src/emulator/metadata.js';
import { FIXTURE_OBJECTS } from './session.js';

describe('loading object definitions from source-format metadata', () => {
  it('reads field types, lengths, precision, flags and restricted picklists', async () => {
    const probe = (await loadSchema(FIXTURE_OBJECTS)).get('Probe__c');
    expect(probe?.fields.get('Code__c')).toMatchObject({ type: 'Text', length: 10, required: true, unique: true, externalId: true, writable: true });
    expect(probe?.fields.get('Amount__c')).toMatchObject({ type: 'Number', precision: 5, scale: 2 });
    expect(probe?.fields.get('Email__c')).toMatchObject({ type: 'Email', length: 80 });
    expect(probe?.fields.get('Kind__c')).toMatchObject({ picklistValues: ['Alpha', 'Beta'], defaultValue: 'Alpha' });
    expect(probe?.fields.get('Flag__c')?.defaultValue).toBe(false);
    expect(probe?.fields.get('Name')).toMatchObject({ type: 'AutoNumber', writable: false, displayFormat: 'PB-{0000}' });
    expect(probe?.fields.get('Parent__c')).toMatchObject({ referenceTo: 'Probe__c', relationshipName: 'Parent__r' });
    expect(probe?.relationships.get('Parent__r')).toBe('Parent__c');
  });

  it('loads the verdict objects of the package as the data model describes them', async () => {
    const schema = await loadSchema(DEFAULT_METADATA_DIR);
    const verdict = schema.get('LeakVerdict__c');
    const finding = schema.get('PiiFinding__c');
    expect(verdict?.fields.get('EventId__c')).toMatchObject({ type: 'Text', length: 36, externalId: true, unique: true, required: true });
    expect(verdict?.fields.get('Severity__c')?.picklistValues).toEqual(['Critical', 'High', 'Medium', 'Low', 'Info']);
    expect(verdict?.fields.get('RiskScore__c')).toMatchObject({ type: 'Number', precision: 3, scale: 0 });
    expect(finding?.fields.get('FindingKey__c')).toMatchObject({ length: 120, externalId: true });
    expect(finding?.relationships.get('LeakVerdict__r')).toBe('LeakVerdict__c');
    expect(finding?.fields.get('EntityType__c')?.picklistValues).toContain('CREDIT_CARD');
  });
});
