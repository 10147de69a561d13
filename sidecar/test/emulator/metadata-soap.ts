import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { assertion, requestToken } from './session.js';

/** A Metadata API SOAP call as a client sends it: the session in the header, the operation in the body. */
const soap = (version: string, sessionId: string, body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${sessionId}</sessionId></SessionHeader></soapenv:Header>` +
  `<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata">${body}</soapenv:Body></soapenv:Envelope>`;

/** Posts one SOAP body to the emulator's Metadata API endpoint; the status and the raw answer. */
export const post = async (org: OrgEmulator, sessionId: string, body: string, version = '62.0') => {
  const response = await fetch(`${org.url}/services/Soap/m/${version}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', soapaction: '""' },
    body: soap(version, sessionId, body),
  });
  return { status: response.status, text: await response.text() };
};

export const clientOf = (org: OrgEmulator): OrgClient =>
  createOrgClient({
    loginUrl: org.url,
    clientId: org.connectedApp.clientId,
    username: org.identity.username,
    privateKey: org.connectedApp.privateKey as string,
  });

/** An org whose integration user may use the Metadata API, a raw session token, and the sidecar's client. */
export async function startMetadataOrg(): Promise<{ org: OrgEmulator; token: string; client: OrgClient }> {
  const org = await startOrgEmulator({ port: 0, pubsub: false, modifyMetadata: true, customizeApplication: true });
  const token = (await requestToken(org, await assertion(org))).body.access_token as string;
  return { org, token, client: clientOf(org) };
}
