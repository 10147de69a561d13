import type { Actor } from '../contract/event.js';
import { toId18 } from '../contract/salesforce-id.js';

/** The demo org: a small online shop with a storefront connector, service agents, marketing and an admin. */
export const DEMO_ORG_ID = '00D5g000004Cx1aEAC';

export const SHOP_SYNC: Actor = {
  userId: '0055g00000ShSyNAAV',
  username: 'shopsync@acme-shop.example',
  // The Salesforce Integration licence's profile: the collectors read the user as an integration user from it.
  profile: 'Minimum Access - API Only Integrations',
  isIntegration: true,
  connectedAppId: '0H45g000000ShSyCAK',
};

export const ADMIN: Actor = {
  userId: '0055g00000AdMiNAAV',
  username: 'admin@acme-shop.example',
  profile: 'System Administrator',
  isIntegration: false,
};

export const MARKETING: Actor = {
  userId: '0055g00000MkTgUAAV',
  username: 'campaigns@acme-shop.example',
  profile: 'Marketing User',
  isIntegration: false,
};

export const AGENTS: Actor[] = ['maria', 'tom', 'aisha', 'lukas'].map((name, index) => ({
  userId: toId18(`0055g00000Ag00${index}`),
  username: `${name}.agent@acme-shop.example`,
  profile: 'Service Agent',
  isIntegration: false,
}));

/** Synthetic customers' names; their e-mail addresses, phones and cards are drawn per run from a fixed seed. */
export const FIRST_NAMES = ['Jane', 'Omar', 'Lena', 'Pavel', 'Grace', 'Mateo', 'Ines', 'Kofi', 'Hanna', 'Ravi', 'Chloe', 'Tariq'];
export const LAST_NAMES = ['Doe', 'Haddad', 'Brandt', 'Novak', 'Okafor', 'Silva', 'Moreau', 'Mensah', 'Lindqvist', 'Iyer', 'Dubois', 'Rahman'];

/** The storefront connector's connected app. */
export const SHOP_SYNC_APP = { id: '0H45g000000ShSyCAK', name: 'ShopSync Connector' };
/** The AI lead-scoring app the marketing user authorises on the day of the incidents. */
export const AI_APP = { id: toId18('0H45g000000LdGnA'.slice(0, 15)), name: 'LeadGenie AI' };
