import { describe, expect, it } from 'vitest';
import { analyzeSoql, defaultFieldCatalog, type FieldCatalog } from '../../src/collect/realtime/soql-analysis.js';

describe('analyzeSoql: what a query reads', () => {
  it('reads FIELDS(ALL) of Contact as every documented personal field of it', () => {
    const shape = analyzeSoql('SELECT FIELDS(ALL) FROM Contact LIMIT 200');
    expect(shape).toMatchObject({
      parsed: true,
      objects: ['Contact'],
      fields: [],
      fieldsAll: true,
      fieldsMacro: 'ALL',
      limit: 200,
      hasWhere: false,
      unbounded: false,
      masked: 'SELECT FIELDS(ALL) FROM Contact LIMIT 200',
    });
    expect(shape.piiTypes).toEqual(['DATE_OF_BIRTH', 'EMAIL_ADDRESS', 'LOCATION', 'PERSON', 'PHONE_NUMBER']);
  });

  it('tells FIELDS(STANDARD) from FIELDS(CUSTOM), whose fields it cannot know', () => {
    expect(analyzeSoql('SELECT FIELDS(STANDARD) FROM Lead')).toMatchObject({ fieldsAll: true, fieldsMacro: 'STANDARD', unbounded: true });
    expect(analyzeSoql('SELECT FIELDS(STANDARD) FROM Lead').piiTypes).toContain('EMAIL_ADDRESS');
    expect(analyzeSoql('SELECT FIELDS(CUSTOM) FROM Lead LIMIT 200')).toMatchObject({ fieldsAll: true, fieldsMacro: 'CUSTOM', piiTypes: [] });
    expect(analyzeSoql('SELECT FIELDS(STANDARD), FIELDS(CUSTOM) FROM Lead LIMIT 200').fieldsMacro).toBe('ALL');
    expect(analyzeSoql('SELECT Id FROM Lead')).toMatchObject({ fieldsAll: false, fieldsMacro: null });
  });

  it('marks a query of named personal fields without filter or limit as unbounded, with their PII types', () => {
    expect(analyzeSoql('SELECT Id, Email, Phone FROM Contact')).toEqual({
      parsed: true,
      objects: ['Contact'],
      fields: [
        { object: 'Contact', field: 'Id' },
        { object: 'Contact', field: 'Email' },
        { object: 'Contact', field: 'Phone' },
      ],
      piiTypes: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
      fieldsAll: false,
      fieldsMacro: null,
      hasWhere: false,
      limit: null,
      offset: null,
      idRange: false,
      orderById: false,
      unbounded: true,
      masked: 'SELECT Id, Email, Phone FROM Contact',
    });
  });

  it('is not unbounded once a filter or a limit narrows it', () => {
    expect(analyzeSoql("SELECT Id, Email FROM Contact WHERE LastName = 'Doe'").unbounded).toBe(false);
    expect(analyzeSoql('SELECT Id, Email FROM Contact LIMIT 10').unbounded).toBe(false);
  });

  it('recognises a chunked pull: an Id range in WHERE and ORDER BY Id', () => {
    const shape = analyzeSoql("SELECT Id, Name, Email FROM Contact WHERE Id > '0035g00000AbCdEAAV' ORDER BY Id LIMIT 2000");
    expect(shape).toMatchObject({ hasWhere: true, idRange: true, orderById: true, limit: 2000, unbounded: false });
    expect(shape.piiTypes).toEqual(['EMAIL_ADDRESS', 'PERSON']);
    expect(shape.masked).toBe("SELECT Id, Name, Email FROM Contact WHERE Id > '?' ORDER BY Id LIMIT 2000");
  });

  it('recognises Id ranges and ordering written with the object alias', () => {
    const shape = analyzeSoql("select c.Email from Contact c where c.Id >= '003000000000001' and c.Id < '003000000000009' order by c.Id");
    expect(shape).toMatchObject({ idRange: true, orderById: true, fields: [{ object: 'Contact', field: 'Email' }] });
  });

  it('does not take an Id lookup, an Id list or another sort key for a range or keyset paging', () => {
    expect(analyzeSoql("SELECT Id FROM Contact WHERE Id = '003000000000001'").idRange).toBe(false);
    expect(analyzeSoql("SELECT Id FROM Contact WHERE Id IN ('003000000000001', '003000000000002')").idRange).toBe(false);
    expect(analyzeSoql('SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)').idRange).toBe(false);
    expect(analyzeSoql('SELECT Id FROM Contact WHERE CreatedDate > 2024-01-01T00:00:00Z ORDER BY CreatedDate').orderById).toBe(false);
  });

  it('reads LIMIT and OFFSET', () => {
    expect(analyzeSoql('SELECT Id FROM Contact ORDER BY Name LIMIT 100 OFFSET 500')).toMatchObject({ limit: 100, offset: 500, orderById: false });
    expect(analyzeSoql('SELECT Id FROM Contact').offset).toBeNull();
  });

  it('attributes parent relationship fields to the parent object when the relationship is known', () => {
    const shape = analyzeSoql('SELECT Id, Account.Name, Owner.Email, ReportsTo.MobilePhone, Account.Owner.Manager.Phone FROM Contact');
    expect(shape.objects).toEqual(['Contact', 'Account', 'User']);
    expect(shape.fields).toEqual([
      { object: 'Contact', field: 'Id' },
      { object: 'Account', field: 'Name' },
      { object: 'User', field: 'Email' },
      { object: 'Contact', field: 'MobilePhone' },
      { object: 'User', field: 'Phone' },
    ]);
    // An Account's Name is a company, not a person.
    expect(shape.piiTypes).toEqual(['EMAIL_ADDRESS', 'PHONE_NUMBER']);
  });

  it('keeps the path on the main object when a relationship cannot be resolved, still typed by the field name', () => {
    // A Lead's or a Case's owner may be a queue; Who is polymorphic; a custom lookup's target is unknown.
    const shape = analyzeSoql('SELECT Owner.Email, Clinic__r.Name FROM Lead');
    expect(shape.fields).toEqual([
      { object: 'Lead', field: 'Owner.Email' },
      { object: 'Lead', field: 'Clinic__r.Name' },
    ]);
    expect(shape.objects).toEqual(['Lead']);
    expect(shape.piiTypes).toEqual(['EMAIL_ADDRESS']);
  });

  it('reads the objects and fields of child subqueries', () => {
    const shape = analyzeSoql('SELECT Id, (SELECT Email FROM Contacts) FROM Account');
    expect(shape).toMatchObject({ objects: ['Account', 'Contact'], piiTypes: ['EMAIL_ADDRESS'], unbounded: true });
    expect(shape.fields).toEqual([
      { object: 'Account', field: 'Id' },
      { object: 'Contact', field: 'Email' },
    ]);
    expect(analyzeSoql('SELECT Id, (SELECT FIELDS(ALL) FROM Contacts LIMIT 200) FROM Account')).toMatchObject({
      fieldsMacro: 'ALL',
      piiTypes: ['DATE_OF_BIRTH', 'EMAIL_ADDRESS', 'LOCATION', 'PERSON', 'PHONE_NUMBER'],
    });
  });

  it("resolves the package's own relationships under its namespace", () => {
    const shape = analyzeSoql(
      'SELECT Id, (SELECT leakwatch__EntityType__c FROM leakwatch__PiiFindings__r), leakwatch__Incident__r.Name FROM leakwatch__LeakVerdict__c',
    );
    expect(shape.objects).toEqual(['leakwatch__LeakVerdict__c', 'leakwatch__PiiFinding__c', 'leakwatch__Incident__c']);
    expect(shape.fields).toContainEqual({ object: 'leakwatch__Incident__c', field: 'Name' });
  });

  it('counts the objects of semi-joins as read, but not their fields as selected', () => {
    const shape = analyzeSoql("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email = 'jane@x.com')");
    expect(shape.objects).toEqual(['Account', 'Contact']);
    expect(shape.fields).toEqual([{ object: 'Account', field: 'Id' }]);
    expect(shape.piiTypes).toEqual([]);
  });

  it('reads the objects and fields of TYPEOF', () => {
    const shape = analyzeSoql('SELECT TYPEOF What WHEN Account THEN Phone WHEN Opportunity THEN Amount ELSE Name END FROM Event');
    expect(shape.objects).toEqual(['Event', 'Account', 'Opportunity']);
    expect(shape.fields).toEqual([
      { object: 'Account', field: 'Phone' },
      { object: 'Opportunity', field: 'Amount' },
      { object: 'Event', field: 'What.Name' },
    ]);
  });

  it('takes COUNT() for a number, not for records', () => {
    expect(analyzeSoql('SELECT COUNT() FROM Contact')).toMatchObject({ parsed: true, objects: ['Contact'], fields: [], piiTypes: [], unbounded: false });
    expect(analyzeSoql('SELECT COUNT(Email), COUNT_DISTINCT(Phone) FROM Contact')).toMatchObject({ fields: [], piiTypes: [], unbounded: false });
    expect(analyzeSoql("SELECT COUNT() FROM Contact WHERE Email = 'jane@x.com'").masked).toBe("SELECT COUNT() FROM Contact WHERE Email = '?'");
  });

  it('still sees the values a grouped or MAX() query returns', () => {
    expect(analyzeSoql('SELECT Email, COUNT(Id) FROM Contact GROUP BY Email')).toMatchObject({ unbounded: true, piiTypes: ['EMAIL_ADDRESS'] });
    expect(analyzeSoql('SELECT MAX(Birthdate) FROM Contact').piiTypes).toEqual(['DATE_OF_BIRTH']);
  });

  it('canonicalises the spelling of known objects', () => {
    expect(analyzeSoql('select email from contact').objects).toEqual(['Contact']);
    expect(analyzeSoql('select email from contact').piiTypes).toEqual(['EMAIL_ADDRESS']);
  });

  it('asks the catalog it is given', () => {
    const catalog: FieldCatalog = { piiTypeOf: (object, field) => (object === 'Patient__c' && field === 'Diagnosis__c' ? 'MEDICAL' : undefined) };
    expect(analyzeSoql('SELECT Diagnosis__c, Email__c FROM Patient__c', catalog).piiTypes).toEqual(['MEDICAL']);
    expect(analyzeSoql('SELECT Diagnosis__c, Email__c FROM Patient__c').piiTypes).toEqual(['EMAIL_ADDRESS']);
  });
});

describe('defaultFieldCatalog', () => {
  const catalog = defaultFieldCatalog();

  it.each([
    ['Contact', 'Email', 'EMAIL_ADDRESS'],
    ['Contact', 'HomePhone', 'PHONE_NUMBER'],
    ['Contact', 'Name', 'PERSON'],
    ['Lead', 'LastName', 'PERSON'],
    ['Contact', 'Birthdate', 'DATE_OF_BIRTH'],
    ['Contact', 'MailingPostalCode', 'LOCATION'],
    ['Account', 'BillingStreet', 'LOCATION'],
    ['Account', 'PersonMobilePhone', 'PHONE_NUMBER'],
    ['Case', 'ContactEmail', 'EMAIL_ADDRESS'],
    ['Case', 'SuppliedName', 'PERSON'],
    ['User', 'Username', 'EMAIL_ADDRESS'],
    ['Order', 'BillingPhoneNumber', 'PHONE_NUMBER'],
    ['Patient__c', 'acme__Date_Of_Birth__c', 'DATE_OF_BIRTH'],
    ['Patient__c', 'Iban__c', 'IBAN_CODE'],
    ['Patient__c', 'Passport_Number__c', 'PASSPORT'],
  ])('%s.%s → %s', (object, field, type) => {
    expect(catalog.piiTypeOf(object, field)).toBe(type);
  });

  it.each([
    ['Account', 'Name'],
    ['Contact', 'Id'],
    ['Contact', 'AccountId'],
    ['Opportunity', 'Amount'],
    ['Contact', 'CreatedDate'],
  ])('%s.%s holds no personal data', (object, field) => {
    expect(catalog.piiTypeOf(object, field)).toBeUndefined();
  });
});

describe('analyzeSoql: masked text', () => {
  it.each([
    ["SELECT Id FROM Contact WHERE Email = 'jane@x.com'", "SELECT Id FROM Contact WHERE Email = '?'"],
    ["SELECT Id FROM Contact WHERE LastName = 'O\\'Brien'", "SELECT Id FROM Contact WHERE LastName = '?'"],
    ["SELECT Id FROM Contact WHERE LastName = 'ends in a backslash \\\\' OR LastName = 'Doe'", "SELECT Id FROM Contact WHERE LastName = '?' OR LastName = '?'"],
    ["SELECT Id FROM Contact WHERE Email IN ('jane@x.com', 'joe@y.org')", 'SELECT Id FROM Contact WHERE Email IN (?)'],
    ["SELECT Id FROM Contact WHERE Email NOT IN ('jane@x.com')", 'SELECT Id FROM Contact WHERE Email NOT IN (?)'],
    ["SELECT Id FROM Contact WHERE Name LIKE 'Jan%' AND Phone LIKE '%555%'", "SELECT Id FROM Contact WHERE Name LIKE '?' AND Phone LIKE '?'"],
    ['SELECT Id FROM Contact WHERE Birthdate = 1984-05-17', 'SELECT Id FROM Contact WHERE Birthdate = ?'],
    ['SELECT Id FROM Contact WHERE LastModifiedDate > 2024-03-01T10:15:00.000+0100', 'SELECT Id FROM Contact WHERE LastModifiedDate > ?'],
    [
      'SELECT Id FROM Opportunity WHERE Amount > 125000.50 AND Amount < -3 AND Fee__c = USD5000',
      'SELECT Id FROM Opportunity WHERE Amount > ? AND Amount < ? AND Fee__c = ?',
    ],
    ['SELECT Id FROM Contact WHERE Score__c IN (17, 42)', 'SELECT Id FROM Contact WHERE Score__c IN (?)'],
    [
      "SELECT Id, (SELECT Email FROM Contacts WHERE MailingCity = 'Springfield') FROM Account WHERE Name = 'Acme'",
      "SELECT Id, (SELECT Email FROM Contacts WHERE MailingCity = '?') FROM Account WHERE Name = '?'",
    ],
    [
      "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email = 'jane@x.com' AND Id IN (SELECT WhoId FROM Task WHERE Subject = 'Call Jane'))",
      "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email = '?' AND Id IN (SELECT WhoId FROM Task WHERE Subject = '?'))",
    ],
    [
      "SELECT Name FROM Account WHERE DISTANCE(Site__c, GEOLOCATION(37.775, -122.418), 'mi') < 20",
      "SELECT Name FROM Account WHERE DISTANCE(Site__c, GEOLOCATION(?, ?), '?') < ?",
    ],
    [
      "SELECT LeadSource, COUNT(Id) FROM Lead WHERE Email LIKE '%@x.com' GROUP BY LeadSource HAVING COUNT(Id) > 12",
      "SELECT LeadSource, COUNT(Id) FROM Lead WHERE Email LIKE '?' GROUP BY LeadSource HAVING COUNT(Id) > ?",
    ],
  ])('%s', (text, masked) => {
    expect(analyzeSoql(text).masked).toBe(masked);
  });

  it('keeps what says nothing about a record: date literals, booleans, null, LIMIT and OFFSET', () => {
    expect(
      analyzeSoql(
        'SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:30 AND LastModifiedDate IN (TODAY, YESTERDAY) AND IsDeleted = false AND Phone != null LIMIT 10 OFFSET 20',
      ).masked,
    ).toBe(
      'SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:30 AND LastModifiedDate IN (TODAY, YESTERDAY) AND IsDeleted = FALSE AND Phone != NULL LIMIT 10 OFFSET 20',
    );
  });

  it('leaves no literal of a query anywhere in its shape', () => {
    const secrets = ['jane.doe@example.com', "O\\'Hara", '+49 30 901820', '1984-05-17', '2024-03-01T10:15:00Z', '4111111111111111', 'Baker Street', '51.5237'];
    const text =
      "SELECT Id, Name, (SELECT Id FROM Cases WHERE SuppliedEmail = 'jane.doe@example.com') FROM Contact " +
      "WHERE (LastName = 'O\\'Hara' OR Phone = '+49 30 901820') AND Birthdate = 1984-05-17 AND CreatedDate > 2024-03-01T10:15:00Z " +
      "AND Card__c IN ('4111111111111111') AND Id IN (SELECT ContactId FROM Order WHERE BillingStreet LIKE '%Baker Street%') " +
      "AND DISTANCE(Home__c, GEOLOCATION(51.5237, -0.1585), 'km') < 5";
    const shape = analyzeSoql(text);
    expect(shape.parsed).toBe(true);
    const stored = JSON.stringify(shape);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    expect(shape.masked?.replaceAll("'?'", '')).not.toContain("'");
  });

  it('gives nothing of a text the parser rejects, however much personal data it holds', () => {
    for (const text of [
      "SELECT Id FROM Contact WHERE Email = 'jane.doe@example.com",
      'SELECT Id FROM Contact WHERE Name = "Jane Doe"',
      "SELECT Id FROM Contact WHERE Email = 'jane.doe@example.com';",
      'jane.doe@example.com called +49 30 901820',
      '',
    ]) {
      const shape = analyzeSoql(text);
      expect(shape).toEqual({
        parsed: false,
        objects: [],
        fields: [],
        piiTypes: [],
        fieldsAll: false,
        fieldsMacro: null,
        hasWhere: false,
        limit: null,
        offset: null,
        idRange: false,
        orderById: false,
        unbounded: false,
        masked: null,
      });
    }
  });
});

describe('analyzeSoql: long queries', () => {
  it('reads a query of hundreds of fields, a 2,000-id list and 500 alternatives whole', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `'003${String(i).padStart(12, '0')}'`);
    const fields = Array.from({ length: 300 }, (_, i) => `Field${i}__c`);
    const alternatives = Array.from({ length: 500 }, (_, i) => `Email = 'person${i}@example.com'`).join(' OR ');
    const text = `SELECT Id, Email, ${fields.join(', ')} FROM Contact WHERE Id IN (${ids.join(', ')}) AND (${alternatives}) LIMIT 2000`;
    const shape = analyzeSoql(text);
    expect(shape).toMatchObject({ parsed: true, hasWhere: true, limit: 2000, piiTypes: ['EMAIL_ADDRESS'] });
    expect(shape.fields).toHaveLength(302);
    expect(shape.masked).not.toContain('example.com');
    expect(shape.masked).not.toContain('003000000000001');
  });
});
