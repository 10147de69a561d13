/**
 * Reduces one or more LDS or Apex errors into a list of readable messages.
 * @param {FetchResponse|FetchResponse[]} errors
 * @return {String[]} the messages
 */
export function reduceErrors(errors) {
    if (!Array.isArray(errors)) {
        errors = [errors];
    }
    return errors
        .filter((error) => !!error)
        .map((error) => {
            if (Array.isArray(error.body)) {
                return error.body.map((e) => e.message);
            } else if (error.body && typeof error.body.message === 'string') {
                return error.body.message;
            } else if (typeof error.message === 'string') {
                return error.message;
            }
            return error.statusText;
        })
        .reduce((prev, curr) => prev.concat(curr), [])
        .filter((message) => !!message);
}

/**
 * Parses a JSON text field, returning the fallback when it is empty or unreadable.
 */
export function parseJson(text, fallback) {
    if (!text) {
        return fallback;
    }
    try {
        return JSON.parse(text);
    } catch {
        return fallback;
    }
}

/**
 * Splits a semicolon-separated text field into its trimmed, non-empty items.
 */
export function splitList(text) {
    return text
        ? text
              .split(';')
              .map((item) => item.trim())
              .filter((item) => item)
        : [];
}

const SEVERITY_BADGES = {
    Critical: 'slds-badge slds-theme_error',
    High: 'slds-badge slds-theme_warning',
    Medium: 'slds-badge slds-badge_lightest',
    Low: 'slds-badge',
    Info: 'slds-badge'
};

/**
 * SLDS badge classes for a severity.
 */
export function severityBadgeClass(severity) {
    return SEVERITY_BADGES[severity] || 'slds-badge';
}
