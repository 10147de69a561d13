import type { Actor } from '../src/contract/event.js';

/** The cast of a mid-sized e-commerce org: who works when, through which apps. */
export const ORG_ID = '00D5g000004Cx1aEAC';

export const APPS = {
  shopSync: { id: '0H45g000000ShSyCAK', name: 'ShopSync Commerce Connector', scopes: ['api', 'refresh_token'] },
  erp: { id: '0H45g000000ErPcCAK', name: 'ERP Order Bridge', scopes: ['api'] },
  marketingCloud: { id: '0H45g000000MkClCAK', name: 'Marketing Cloud Connect', scopes: ['api', 'refresh_token'] },
  zapier: { id: '0H45g000000ZaPiCAK', name: 'Zapier', scopes: ['api', 'refresh_token'] },
  leadExporter: { id: '0H45g000000NeWaAAC', name: 'Lead Exporter Pro', scopes: ['api', 'refresh_token', 'full'] },
} as const;

export const SHOP_SYNC: Actor = {
  userId: '0055g00000ShSyNAAV',
  username: 'shopsync@acme-shop.example',
  profile: 'Integration User',
  isIntegration: true,
  connectedAppId: APPS.shopSync.id,
};

export const ERP: Actor = {
  userId: '0055g00000ErPiNAAV',
  username: 'erp.bridge@acme-shop.example',
  profile: 'Integration User',
  isIntegration: true,
  connectedAppId: APPS.erp.id,
};

export const MARKETING: Actor = {
  userId: '0055g00000MkTgUAAV',
  username: 'campaigns@acme-shop.example',
  profile: 'Marketing User',
  isIntegration: false,
};

export const ADMIN: Actor = {
  userId: '0055g00000AdMiNAAV',
  username: 'admin@acme-shop.example',
  profile: 'System Administrator',
  isIntegration: false,
};

export interface Agent {
  actor: Actor;
  /** Shift start and end hours (UTC). */
  shift: [number, number];
  worksSaturday: boolean;
  /** First working day in the stream (a new hire starts late). */
  startsOnDay: number;
}

const AGENT_NAMES = ['maria', 'tom', 'aisha', 'lukas', 'sofia', 'jan', 'chen', 'olga', 'pedro', 'emma', 'yusuf'];

export const AGENTS: Agent[] = AGENT_NAMES.map((name, i) => ({
  actor: {
    userId: `0055g00000Ag${String(i).padStart(3, '0')}AAV`,
    username: `${name}.agent@acme-shop.example`,
    profile: 'Service Agent',
    isIntegration: false,
  },
  shift: i % 2 === 0 ? [7, 15] : [12, 20],
  worksSaturday: i < 2,
  startsOnDay: name === 'yusuf' ? 19 : 0,
}));

export const SALES_REPS: Actor[] = ['noah', 'mia', 'leon', 'zoe'].map((name, i) => ({
  userId: `0055g00000Sr${String(i).padStart(3, '0')}AAV`,
  username: `${name}.sales@acme-shop.example`,
  profile: 'Sales User',
  isIntegration: false,
}));

/** A former rep whose Zapier refresh token was never revoked. */
export const FORMER_REP: Actor = {
  userId: '0055g00000OlDrEAAV',
  username: 'ben.sales@acme-shop.example',
  profile: 'Sales User',
  isIntegration: false,
  connectedAppId: APPS.zapier.id,
};

/** Planted records and values that nobody has a reason to touch. */
export const CANARIES = {
  contactId: '0035g00000CaNaRyAAA',
  marker: 'lw-canary-7f3a@acme-shop.example',
};
