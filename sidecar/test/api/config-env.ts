/** An environment \`loadConfig\` accepts: one org's secret and a JWT connection. */
export const VALID_ENV = {
  LEAKWATCH_ORG_SECRETS: '00D5g000004Cx1aEAC=test-secret-0123456789abcdef',
  SF_LOGIN_URL: 'https://login.salesforce.com',
  SF_CLIENT_ID: 'consumer-key',
  SF_USERNAME: 'integration@acme-shop.example',
  SF_PRIVATE_KEY_PATH: '/run/secrets/server.key',
};
