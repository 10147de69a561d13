/** A Salesforce API name as Leakwatch accepts it: `Contact`, `Email`, `Invoice__c`, `ns__Field__c` (80 characters at most). */
export const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
