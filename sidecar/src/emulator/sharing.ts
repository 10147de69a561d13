import type { ObjectDef, Schema } from './metadata.js';

/**
 * The SharingModel enumeration of the Metadata API ("CustomObject", Metadata API Developer Guide):
 * the values `sharingModel` (internal org-wide default) and `externalSharingModel` may take.
 */
const SHARING_MODELS: readonly string[] = [
  'Private',
  'Read',
  'ReadSelect',
  'ReadWrite',
  'ReadWriteTransfer',
  'FullAccess',
  'ControlledByParent',
  'ControlledByCampaign',
  'ControlledByLeadOrContact',
];

/** An object's org-wide default (OWD): internal and external access, SharingModel values. */
export interface OrgWideDefault {
  sharingModel: string;
  externalSharingModel: string;
}

/** A problem with org-wide default settings, as a SaveResult error names it. */
export interface SharingProblem {
  statusCode: string;
  message: string;
  fields: string[];
}

/**
 * How wide each plain access level is, to compare the external default with the internal one.
 * ReadSelect is left out: none of the emulated objects offers it (see `OFFERED`), so it never
 * reaches a comparison. The `ControlledBy…` values are not levels: they are compared by equality.
 */
const WIDTH: Readonly<Record<string, number>> = { Private: 0, Read: 1, ReadWrite: 2, ReadWriteTransfer: 3, FullAccess: 4 };

/**
 * The standard objects the emulator keeps an OWD for, with the settings Setup offers for each and the
 * emulator's starting values. Starting values follow Salesforce Help, "Default Organization-Wide Access
 * Levels" (security_sharing_owd_default_settings) for orgs created after Spring '20: Account Public
 * Read/Write, Case and Lead Public Read/Write/Transfer, Contact Controlled by Parent; the external
 * default Private "for all objects, unless the default internal access level is Controlled by Parent".
 * A real org's values are whatever its admins made them (and older orgs started elsewhere), so these
 * are only the emulated org's starting point. The offered settings (Transfer for Lead and Case only,
 * Controlled by Parent for Contact) follow the same page's table and Setup's Sharing Settings.
 */
const STANDARD: Readonly<Record<string, { start: OrgWideDefault; offered: readonly string[] }>> = {
  Account: { start: { sharingModel: 'ReadWrite', externalSharingModel: 'Private' }, offered: ['Private', 'Read', 'ReadWrite'] },
  Contact: {
    start: { sharingModel: 'ControlledByParent', externalSharingModel: 'ControlledByParent' },
    offered: ['Private', 'Read', 'ReadWrite', 'ControlledByParent'],
  },
  Lead: { start: { sharingModel: 'ReadWriteTransfer', externalSharingModel: 'Private' }, offered: ['Private', 'Read', 'ReadWrite', 'ReadWriteTransfer'] },
  Case: { start: { sharingModel: 'ReadWriteTransfer', externalSharingModel: 'Private' }, offered: ['Private', 'Read', 'ReadWrite', 'ReadWriteTransfer'] },
};

/** A custom object's settings: Private, Public Read Only, Public Read/Write; Controlled by Parent only (and always) on the detail side of a master-detail. */
const CUSTOM_OFFERED: readonly string[] = ['Private', 'Read', 'ReadWrite'];

/** An object with an org-wide default: the CustomObject component the emulator serves. */
export interface SharingTarget {
  object: ObjectDef;
  /** A custom object (`__c`): its component also carries label, pluralLabel, deploymentStatus, enableSharing. */
  custom: boolean;
  offered: readonly string[];
}

/**
 * The org's org-wide defaults, per object: the standard objects Account, Contact, Lead and Case, and
 * every custom object (`__c`) of the package, which starts with the `sharingModel` and
 * `externalSharingModel` of its `.object-meta.xml` (Private when the file has none). Platform events,
 * custom metadata types and the other standard objects have none here.
 */
export class OrgWideDefaults {
  private readonly targets = new Map<string, SharingTarget>();
  private readonly current = new Map<string, OrgWideDefault>();

  constructor(schema: Schema) {
    for (const object of schema.values()) {
      const standard = object.standard ? STANDARD[object.name] : undefined;
      if (standard) {
        this.targets.set(object.name, { object, custom: false, offered: standard.offered });
        this.current.set(object.name, { ...standard.start });
      } else if (object.customObject && !object.event && !object.customMetadata) {
        const detail = [...object.fields.values()].some((field) => field.type === 'MasterDetail');
        const start: OrgWideDefault = {
          sharingModel: object.customObject.sharingModel ?? (detail ? 'ControlledByParent' : 'Private'),
          externalSharingModel: object.customObject.externalSharingModel ?? (detail ? 'ControlledByParent' : 'Private'),
        };
        const offered = detail ? ['ControlledByParent'] : CUSTOM_OFFERED;
        // What the package deploys is what the org has, whatever the table above offers.
        this.targets.set(object.name, { object, custom: true, offered: [...new Set([...offered, start.sharingModel, start.externalSharingModel])] });
        this.current.set(object.name, start);
      }
    }
  }

  /** The object a CustomObject full name names (case-insensitive), when the emulator keeps its OWD. */
  target(fullName: string): SharingTarget | undefined {
    return this.targets.get(fullName) ?? [...this.targets.values()].find((t) => t.object.name.toLowerCase() === fullName.toLowerCase());
  }

  /** An object's org-wide default now; undefined for an object the emulator keeps none for. */
  get(fullName: string): OrgWideDefault | undefined {
    const target = this.target(fullName);
    const value = target && this.current.get(target.object.name);
    return value && { ...value };
  }

  /** Every object's org-wide default, by object name. */
  all(): Array<{ object: string } & OrgWideDefault> {
    return [...this.current.entries()].map(([object, value]) => ({ object, ...value }));
  }

  /**
   * What is wrong with these settings for this object; empty when Setup would save them. A value
   * outside the SharingModel enumeration is `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`; a value of the
   * enumeration the object does not offer, and an external default wider than the internal one, are
   * `FIELD_INTEGRITY_EXCEPTION`. The rule is Salesforce Help's ("External Organization-Wide Defaults
   * Overview", security_owd_external: "The external access level for an object can't be more
   * permissive than the internal access level"); the codes and wording are the emulator's.
   */
  problems(target: SharingTarget, settings: OrgWideDefault): SharingProblem[] {
    const problems: SharingProblem[] = [];
    for (const [field, label] of [
      ['sharingModel', 'Default Internal Access'],
      ['externalSharingModel', 'Default External Access'],
    ] as const) {
      const value = settings[field];
      if (!SHARING_MODELS.includes(value)) {
        problems.push({
          statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: `${label}: bad value for restricted picklist field: ${value}`,
          fields: [field],
        });
      } else if (!target.offered.includes(value)) {
        problems.push({
          statusCode: 'FIELD_INTEGRITY_EXCEPTION',
          message: `${label}: ${value} is not available for ${target.object.name} (${target.offered.join(', ')})`,
          fields: [field],
        });
      }
    }
    if (problems.length > 0) return problems;
    const { sharingModel: internal, externalSharingModel: external } = settings;
    const internalWidth = WIDTH[internal];
    const externalWidth = WIDTH[external];
    const wider = internalWidth !== undefined && externalWidth !== undefined ? externalWidth > internalWidth : internal !== external;
    if (wider) {
      problems.push({
        statusCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: `The default external access (${external}) must be the same as or more restrictive than the default internal access (${internal})`,
        fields: ['externalSharingModel'],
      });
    }
    return problems;
  }

  /** Sets an object's org-wide default; the caller has checked `problems` first. */
  set(target: SharingTarget, settings: OrgWideDefault): void {
    this.current.set(target.object.name, { sharingModel: settings.sharingModel, externalSharingModel: settings.externalSharingModel });
  }
}
