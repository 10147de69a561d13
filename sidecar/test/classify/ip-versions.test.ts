import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';

const classifier = createClassifier({ salt: 'test-salt' });
const addresses = async (text: string): Promise<string[]> =>
  (await classifier.classify({ text })).filter((e) => e.type === 'IP_ADDRESS').map((e) => text.slice(e.start, e.end));

describe('IP addresses and version numbers', () => {
  it.each([
    ['named version', 'Updated to version 10.2.3.4 yesterday'],
    ['v prefix', 'Running v10.2.3.4 since Monday'],
    ['v and a space', 'running v 10.2.3.4'],
    ['pre-release suffix', 'Deployed 10.2.3.4-beta to staging'],
    ['snapshot suffix', 'artifact 1.0.0.0-SNAPSHOT'],
    ['build metadata', 'tagged 7.0.0.1+build.5'],
    ['build', 'build 4.1.0.12 failed the smoke test'],
    ['build number', 'Build no. 4.1.0.12'],
    ['update verb earlier in the clause', 'upgraded the app to 3.2.1.0'],
    ['bump', 'Bumped the agent to 2.0.0.1 last night'],
    ['firmware', 'Firmware 1.0.0.2'],
    ['SDK', 'SDK 2.30.1.5 is required'],
    ['release', 'release 7.0.0.1'],
    ['release with a colon', 'Release: 7.0.0.1'],
    ['product and slash', 'Chrome/120.0.6099.109'],
    ['user agent', 'User-Agent: Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36'],
    ['package name', 'apex-ls 4.12.0.1'],
    ['product name', 'Kindle Paperwhite 9.5.2.30, AB-92470-M'],
    ['product name and model number', 'PlayStation 5 10.4.4.15, AB-89583-M'],
    ['product name, not an "ip" word', 'iPhone 15 Pro 6.15.1.50, SKU-519499'],
    ['JSON field', '{"sku":"MAIN-450","version":"4.1.2.77"}'],
    ['German', 'Update auf Version 4.9.5.90 erfolgt.'],
    ['German, verb at the end', 'App auf 3.2.1.0 aktualisiert'],
    ['French', 'Mis à jour vers la version 10.1.0.77.'],
    ['Spanish', 'Actualizado a la versión 8.2.7.61.'],
    ['Italian', 'Aggiornamento alla versione 7.5.3.94.'],
    ['Dutch', 'Bijgewerkt naar versie 9.13.8.61.'],
    ['Dutch, verb at the end', 'App naar 3.2.1.0 bijgewerkt'],
  ])('reports no address in a version number (%s): %s', async (_, text) => {
    expect(await addresses(text)).toEqual([]);
  });

  it.each([
    ['login from 192.168.1.20', '192.168.1.20'],
    ['IP: 10.2.3.4', '10.2.3.4'],
    ['client 203.0.113.7 failed', '203.0.113.7'],
    ['192.168.0.1', '192.168.0.1'],
    ['server 10.0.0.1 is down', '10.0.0.1'],
    ['dev 10.0.0.1', '10.0.0.1'],
    ['Logged from 48.32.245.178 at 2021-03-21T10:00:00Z', '48.32.245.178'],
    ['Zugriff von 100.162.239.225 am 2023-04-17', '100.162.239.225'],
    ['Connexion depuis 211.153.53.120 le 2022-06-15', '211.153.53.120'],
    ['Acceso desde 145.153.24.181 el 2023-07-16', '145.153.24.181'],
    ['Accesso da 163.68.158.43 il 2023-04-25', '163.68.158.43'],
    ['Toegang vanaf 26.159.12.61 op 2022-04-14', '26.159.12.61'],
    ['After the upgrade, login from 192.168.1.20 failed', '192.168.1.20'],
    ['Updated the DNS record to 10.0.0.5', '10.0.0.5'],
    ['upgraded the gateway to 10.0.0.1', '10.0.0.1'],
    ['Link-local 169.254.1.1', '169.254.1.1'],
    ['range 192.168.1.1-192.168.1.255', '192.168.1.1'],
    ['VLAN 10 10.0.10.1', '10.0.10.1'],
    ['Exchange Server 10.0.0.3', '10.0.0.3'],
    ['IP-Adresse 10.0.0.1', '10.0.0.1'],
    ['10.0.0.1 is my IP since the update', '10.0.0.1'],
  ])('still finds the address in %s', async (text, address) => {
    expect(await addresses(text)).toContain(address);
  });
});
