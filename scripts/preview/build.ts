import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import nodeResolveModule from '@rollup/plugin-node-resolve';
import replaceModule from '@rollup/plugin-replace';
import { rollup, type Plugin } from 'rollup';
import { seedRecords } from '../../sidecar/src/emulator/seeding-client.js';

// Both plugins' types describe a CommonJS module whose `default` is the plugin; their ESM builds
// export the plugin itself. Take whichever this loader produced.
const interop = <T extends { default: unknown }>(module: T): T['default'] => ((module as { default?: unknown }).default ?? module) as T['default'];
const nodeResolve = interop(nodeResolveModule);
const replace = interop(replaceModule);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = join(ROOT, 'scripts/preview/app');
/** The folders of the package's Lightning web components: the dashboards and the setup tab. */
const COMPONENT_DIRS = ['dashboards', 'setup'].map((feature) => join(ROOT, 'force-app/main', feature, 'lwc'));

/** The user the preview runs as: a security reviewer who made none of the demo's assignments. */
export const PREVIEW_USER_ID = '0055g00000ReVwRAAR';

/** Makes the preview's reviewer a user of the emulated org: decisions name them in DecidedBy__c, a lookup the org checks. */
export const seedPreviewUser = (orgUrl: string): Promise<unknown> =>
  seedRecords(orgUrl, 'User', [{ Id: PREVIEW_USER_ID, Username: 'sam.reviewer@acme-shop.example', FirstName: 'Sam', LastName: 'Reviewer', IsActive: true }]);

const VIRTUAL = '\0preview:';
// Element internals need native shadow DOM; the preview runs synthetic shadow, as Lightning Experience does.
const CLOSED_GATES = new Set(['@salesforce/gate/bc.260.enableComboboxElementInternals']);

/**
 * Resolves the org-only modules the components import: Apex methods become calls to the preview
 * server, schema imports become their unqualified names, and toasts and navigation go to the shell.
 */
const orgModules = (): Plugin => ({
  name: 'leakwatch-org-modules',
  resolveId(source) {
    if (
      CLOSED_GATES.has(source) ||
      source.startsWith('@salesforce/apex/') ||
      source.startsWith('@salesforce/schema/') ||
      source === '@salesforce/apex' ||
      source === '@salesforce/user/Id'
    ) {
      return VIRTUAL + source;
    }
    if (source === 'lightning/platformShowToastEvent') return join(APP, 'toast.js');
    if (source === 'lightning/navigation') return join(APP, 'navigation.js');
    return null;
  },
  load(id) {
    if (!id.startsWith(VIRTUAL)) return null;
    const source = id.slice(VIRTUAL.length);
    if (CLOSED_GATES.has(source)) return 'export default { isOpen: () => false };';
    const runtime = JSON.stringify(join(APP, 'apex.js'));
    if (source === '@salesforce/apex') return `export { refreshApex } from ${runtime};`;
    if (source === '@salesforce/user/Id') return `export default ${JSON.stringify(PREVIEW_USER_ID)};`;
    if (source.startsWith('@salesforce/apex/')) {
      const [className, methodName] = source.slice('@salesforce/apex/'.length).split('.');
      return `import { apexMethod } from ${runtime};\nexport default apexMethod(${JSON.stringify(className)}, ${JSON.stringify(methodName)});`;
    }
    const [objectApiName, fieldApiName] = source.slice('@salesforce/schema/'.length).split('.');
    return `export default ${JSON.stringify(fieldApiName ? { objectApiName, fieldApiName } : { objectApiName })};`;
  },
});

/** Compiles the dashboards and the setup tab with LWC OSS and lightning-base-components into `outDir/app`. */
export const buildPreview = async (outDir: string): Promise<void> => {
  const components = COMPONENT_DIRS.flatMap((dir) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => ({ name: `c/${entry.name}`, path: join(dir, entry.name, `${entry.name}.js`) })),
  );
  const bundle = await rollup({
    input: join(APP, 'main.js'),
    plugins: [
      orgModules(),
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': JSON.stringify('production'), 'import.meta.env.SSR': 'false' },
      }),
      lwc({ modules: [...components, { npm: 'lightning-base-components' }], enableDynamicComponents: true }),
      nodeResolve(),
    ],
    onwarn(warning, warn) {
      // lightning-base-components' own templates draw compiler warnings that are not ours to fix.
      if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED' || warning.id?.includes('/node_modules/')) return;
      warn(warning);
    },
  });
  try {
    await bundle.write({ dir: join(outDir, 'app'), format: 'esm', entryFileNames: 'main.js', chunkFileNames: 'chunks/[name]-[hash].js' });
  } finally {
    await bundle.close();
  }
};
