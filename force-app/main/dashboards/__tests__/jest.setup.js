import { registerSa11yMatcher } from '@sa11y/jest';

// Adds `expect(element).toBeAccessible()`: axe-core checks with Salesforce's preset rules.
registerSa11yMatcher();
