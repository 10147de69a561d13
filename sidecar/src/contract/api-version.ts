/** The Salesforce API version the sidecar calls when none is configured (`SF_API_VERSION`). */
export const DEFAULT_API_VERSION = '62.0';
