const path = require('path');
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

// LWC unit tests live beside their components under force-app; the
// real-browser preview harness (scripts/preview) runs under vitest instead.
// Templates are compiled by the newest @lwc/compiler in the tree (the preview's); run them on the
// engine of the same version so that the engine and the compiled code match.
const engineDom = require.resolve('@lwc/engine-dom', { paths: [path.dirname(require.resolve('lwc'))] }).replace(/index\.js$/, 'index.cjs');

module.exports = {
    ...jestConfig,
    roots: ['<rootDir>/force-app'],
    testMatch: ['**/__tests__/**/*.test.js'],
    setupFilesAfterEnv: [...jestConfig.setupFilesAfterEnv, '<rootDir>/force-app/main/dashboards/__tests__/jest.setup.js'],
    testPathIgnorePatterns: ['/node_modules/', '<rootDir>/scripts/'],
    moduleNameMapper: { '^lwc$': engineDom },
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver']
};
