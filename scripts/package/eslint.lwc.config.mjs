// ESLint for the package's Lightning web components: @salesforce/eslint-config-lwc (recommended) plus its Jest
// settings for the components' tests. Run from the repository root with --config (patterns are relative to it).
import lwcConfig from '@salesforce/eslint-config-lwc';
import jest from 'eslint-plugin-jest';
import globals from 'globals';

export default [
  ...lwcConfig.configs.recommended.map((config) => ({ ...config, files: ['force-app/**/lwc/**/*.js'] })),
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.js'],
    plugins: { jest },
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      ...jest.configs['flat/recommended'].rules,
      // Tests flush rendering with a timer and drive wire adapters directly.
      '@lwc/lwc/no-async-operation': 'off',
      '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off',
    },
  },
];
