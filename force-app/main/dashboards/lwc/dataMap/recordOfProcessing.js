/**
 * The data map as a record of processing activities (GDPR Art. 30): one row per object, field, personal data type
 * and data flow, as CSV or JSON.
 */

export const COLUMNS = [
    'object',
    'field',
    'personalDataType',
    'specialCategory',
    'sourceService',
    'destination',
    'region',
    'aiService',
    'allowListed',
    'regionAllowed',
    'policy',
    'callsPerDay',
    'calls30d',
    'firstSeen',
    'lastSeen'
];

const NO_FLOW = {
    sourceService: null,
    destination: null,
    region: null,
    aiService: null,
    allowListed: null,
    regionAllowed: null,
    policy: null,
    callsPerDay: null,
    calls30d: null,
    firstSeen: null,
    lastSeen: null
};

function flowColumns(flow) {
    return {
        sourceService: flow.sourceService ?? null,
        destination: flow.destinationHost ?? null,
        region: flow.region ?? null,
        aiService: flow.aiService === true,
        allowListed: flow.allowListed === true,
        regionAllowed: flow.regionAllowed === true,
        policy: flow.policyName ?? null,
        callsPerDay: flow.callsPerDay ?? null,
        calls30d: flow.calls30d ?? null,
        firstSeen: flow.firstSeen ?? null,
        lastSeen: flow.lastSeen ?? null
    };
}

/**
 * One row per object, field, type and flow; a field no flow carries gets one row per type with empty flow columns.
 * @param {Object[]} fields data map entries ({ objectName, fieldName, entityTypes, specialCategory, flows })
 * @return {Object[]} the rows, keyed by COLUMNS
 */
export function processingRows(fields) {
    const rows = [];
    for (const field of fields) {
        const flows = field.flows.length > 0 ? field.flows.map(flowColumns) : [NO_FLOW];
        for (const type of field.entityTypes) {
            for (const flow of flows) {
                rows.push({
                    object: field.objectName,
                    field: field.fieldName,
                    personalDataType: type,
                    specialCategory: field.specialCategory === true,
                    ...flow
                });
            }
        }
    }
    return rows;
}

/**
 * A CSV cell (RFC 4180 quoting). Text starting with =, +, -, @, tab or carriage return gets a leading ', as the
 * sidecar's flow CSV does: service and host names come from telemetry, and a spreadsheet would run them as formulas.
 */
export function csvCell(value) {
    if (value === null || value === undefined) {
        return '';
    }
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
        text = `'${text}`;
    }
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV with a header line, lines ended by CRLF. */
export function toCsv(rows) {
    const lines = [COLUMNS.join(',')];
    for (const row of rows) {
        lines.push(COLUMNS.map((column) => csvCell(row[column])).join(','));
    }
    return `${lines.join('\r\n')}\r\n`;
}

/** The rows as JSON, with when the export was made and the filter it was made under. */
export function toJson(rows, generatedAt, filter) {
    return JSON.stringify({ generatedAt, filter, rows }, null, 2);
}
