import type { Actor, EventField, LeakEvent } from '../contract/event.js';
import { ADMIN, AGENTS, FIRST_NAMES, LAST_NAMES, MARKETING, SHOP_SYNC } from './cast.js';
import { Random } from '../synthetic/random.js';

export interface Customer {
  contactId: string;
  name: string;
  email: string;
  phone: string;
}

export interface Scenario {
  events: LeakEvent[];
  /** Every raw personal value the scenario sends, for the checks that none is kept or logged. */
  personalValues: string[];
  /** The event ids of the planted incidents, by what they are. */
  incidents: { bulkExport: string; massDelete: string[]; permission: string; cardInCase: string };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Days of ordinary traffic before the incidents: enough for the detector's warm-up. */
export const NORMAL_DAYS = 8;

const salesforceId = (random: Random, prefix: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `${prefix}5g0000${Array.from({ length: 9 }, () => random.pick([...alphabet])).join('')}`;
};

/** A 16-digit number that passes the Luhn check, as a real card number does. */
const cardNumber = (random: Random): string => {
  const digits = [4, ...Array.from({ length: 14 }, () => random.int(0, 9))];
  const sum = digits
    .slice()
    .reverse()
    .reduce((total, digit, index) => {
      const doubled = index % 2 === 0 ? digit * 2 : digit;
      return total + (doubled > 9 ? doubled - 9 : doubled);
    }, 0);
  const number = [...digits, (10 - (sum % 10)) % 10].join('');
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
};

const customers = (random: Random): Customer[] =>
  FIRST_NAMES.map((first, index) => {
    const last = LAST_NAMES[index] as string;
    return {
      contactId: salesforceId(random, '003'),
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${random.int(10, 99)}@mail.example.com`,
      phone: `+44 20 7946 0${random.digits(3)}`,
    };
  });

class ScenarioBuilder {
  readonly events: LeakEvent[] = [];
  readonly personal = new Set<string>();

  constructor(
    readonly random: Random,
    readonly start: number,
  ) {}

  at(day: number, hour: number, minute = this.random.int(0, 59)): string {
    return new Date(this.start + day * DAY + hour * HOUR + minute * 60_000).toISOString();
  }

  add(occurredAt: string, actor: Actor, rest: Omit<LeakEvent, 'id' | 'occurredAt' | 'actor'>): string {
    const id = this.random.uuid();
    // The org's users' logins are personal data too: the sidecar keeps them masked only.
    if (actor.username) this.personal.add(actor.username);
    for (const value of Object.values(rest.details ?? {})) if (typeof value === 'string' && value.includes('@')) this.personal.add(value);
    this.events.push({ id, occurredAt, actor, ...rest });
    return id;
  }

  field(name: string, type: string, recordId: string, value: string, ...personal: string[]): EventField {
    for (const item of [value, ...personal]) this.personal.add(item);
    return { name, type, label: name, recordId, value };
  }
}

const normalDay = (b: ScenarioBuilder, day: number, people: Customer[]): void => {
  const { random } = b;
  for (let hour = 8; hour <= 20; hour += 1) {
    const customer = random.pick(people);
    b.add(b.at(day, hour), SHOP_SYNC, {
      kind: 'dml',
      object: 'Contact',
      operation: random.next() < 0.7 ? 'update' : 'insert',
      recordCount: random.int(20, 90),
      recordIds: [customer.contactId],
      fields: [
        b.field('Email', 'EMAIL', customer.contactId, customer.email),
        b.field('Phone', 'PHONE', customer.contactId, customer.phone),
      ],
      details: { trigger: 'AFTER_UPDATE', sliceSize: 200, apiType: 'rest' },
    });
  }
  b.add(b.at(day, 14), SHOP_SYNC, {
    kind: 'export',
    object: 'Contact',
    operation: 'export',
    recordCount: random.int(120, 260),
    details: { source: 'BulkApiResultEvent', apiType: 'bulk', jobId: `7505g0000${random.digits(6)}AAA` },
  });
  for (const agent of AGENTS) {
    b.add(b.at(day, random.int(8, 9)), agent, { kind: 'login', operation: 'login', details: { source: 'LoginEventStream', loginType: 'Application', status: 'Success' } });
    for (let count = 0; count < 2; count += 1) {
      const customer = random.pick(people);
      const caseId = salesforceId(random, '500');
      const order = `SO-${random.digits(6)}`;
      const text = random.next() < 0.5
        ? `${customer.name} asked where order ${order} is; tracking link sent.`
        : `Return requested for ${order}. Customer reachable at ${customer.email}.`;
      b.add(b.at(day, random.int(9, 16)), agent, {
        kind: 'dml',
        object: 'Case',
        operation: 'update',
        recordCount: 1,
        recordIds: [caseId],
        fields: [b.field('Description', 'TEXTAREA', caseId, text, customer.name, customer.email)],
        details: { trigger: 'AFTER_UPDATE', sliceSize: 1, apiType: 'ui' },
      });
    }
  }
  if (day % 7 === 2) {
    b.add(b.at(day, 11), MARKETING, {
      kind: 'export',
      object: 'Contact',
      operation: 'export',
      recordCount: random.int(300, 400),
      details: { source: 'ReportEventStream', reportName: 'Newsletter subscribers' },
    });
  }
};

const incidents = (b: ScenarioBuilder, day: number, people: Customer[]): Scenario['incidents'] => {
  const { random } = b;
  const bulkExport = b.add(b.at(day, 3, 4), SHOP_SYNC, {
    kind: 'export',
    object: 'Contact',
    operation: 'export',
    recordCount: 48_250,
    details: { source: 'BulkApiResultEvent', apiType: 'bulk', jobId: `7505g0000${random.digits(6)}AAA` },
  });
  const deleter = { ...MARKETING, sessionId: `bulk-7505g0000${random.digits(6)}` };
  const massDelete = Array.from({ length: 11 }, (_, slice) =>
    b.add(b.at(day, 16, 20), deleter, {
      kind: 'dml',
      object: 'Contact',
      operation: 'delete',
      recordCount: 200,
      recordIds: Array.from({ length: 200 }, () => salesforceId(random, '003')),
      details: { trigger: 'AFTER_DELETE', sliceSize: 200, apiType: 'bulk', slice },
    }),
  );
  const permission = b.add(b.at(day, 17, 5), ADMIN, {
    kind: 'permission',
    object: 'PermissionSetAssignment',
    operation: 'assign',
    recordCount: 1,
    recordIds: ['0Pa5g00000AsSiGAAX'],
    details: {
      assignmentId: '0Pa5g00000AsSiGAAX',
      permissionSetId: '0PS5g00000PeRmSAAX',
      permissionSetName: 'Marketing_Export_Access',
      assigneeId: MARKETING.userId,
      assigneeUsername: MARKETING.username,
      assignedById: ADMIN.userId,
      criticalPermissions: ['ViewAllData', 'ModifyAllData'],
      objectPermissions: [{ object: 'Contact', viewAll: true, modifyAll: true }],
      source: 'PermissionSetAssignment',
    },
  });
  const customer = random.pick(people);
  const card = cardNumber(random);
  const commentId = salesforceId(random, '00a');
  const cardInCase = b.add(b.at(day, 18, 40), AGENTS[0] as Actor, {
    kind: 'dml',
    object: 'CaseComment',
    operation: 'insert',
    recordCount: 1,
    recordIds: [commentId],
    fields: [
      b.field(
        'CommentBody',
        'TEXTAREA',
        commentId,
        `${customer.name} wants to pay by phone: card ${card} exp 09/29, call back on ${customer.phone}.`,
        customer.name,
        card,
        card.replace(/ /g, ''),
        customer.phone,
      ),
    ],
    details: { trigger: 'AFTER_INSERT', sliceSize: 1, apiType: 'ui' },
  });
  return { bulkExport, massDelete, permission, cardInCase };
};

/**
 * The built-in synthetic scenario: {@link NORMAL_DAYS} days of an online shop's ordinary traffic,
 * then a day with a 03:00 bulk Contact export by the storefront's integration user, a mass delete,
 * an over-permissioned permission-set assignment and a Case comment holding a card number.
 * The day of the incidents is yesterday, so every event lies in the past.
 */
export const buildScenario = (now: Date = new Date(), seed = 20_261_102): Scenario => {
  const random = new Random(seed);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const builder = new ScenarioBuilder(random, today - (NORMAL_DAYS + 1) * DAY);
  const people = customers(random);
  for (let day = 0; day < NORMAL_DAYS; day += 1) normalDay(builder, day, people);
  const planted = incidents(builder, NORMAL_DAYS, people);
  builder.events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  return { events: builder.events, personalValues: [...builder.personal], incidents: planted };
};
