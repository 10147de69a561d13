// Routes the components' Apex calls to the preview server, which answers them from the org emulator.
const wiredValues = new WeakMap();

async function invoke(className, methodName, params) {
    const response = await fetch(`/apex/${className}/${methodName}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params ?? {})
    });
    const body = await response.json();
    if (!response.ok) {
        // Shaped like an AuraHandledException as Lightning delivers it.
        throw { status: response.status, body };
    }
    return body;
}

/**
 * An `@salesforce/apex/Class.method` import: callable imperatively and usable with `@wire`.
 */
export function apexMethod(className, methodName) {
    const method = (params) => invoke(className, methodName, params);
    method.adapter = class ApexWireAdapter {
        constructor(dataCallback) {
            this.dataCallback = dataCallback;
            this.config = undefined;
        }

        connect() {
            // As on the platform, a wired Apex property holds `{ data, error }` from the start.
            this.dataCallback({ data: undefined, error: undefined });
        }

        disconnect() {}

        update(config) {
            this.config = config;
            return this.fetch();
        }

        async fetch() {
            const config = this.config;
            let value;
            try {
                value = { data: await invoke(className, methodName, config), error: undefined };
            } catch (error) {
                value = { data: undefined, error };
            }
            if (config === this.config) {
                wiredValues.set(value, this);
                this.dataCallback(value);
            }
        }
    };
    return method;
}

/** `refreshApex` from `@salesforce/apex`: fetches a wired value again. */
export function refreshApex(wiredValue) {
    const adapter = wiredValues.get(wiredValue);
    return adapter ? adapter.fetch() : Promise.resolve();
}
