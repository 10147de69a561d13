import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { entropy, looksLikePassword, looksRandom } from '../../src/classify/recognizers/secret.js';

const classifier = createClassifier({ salt: 'test-salt' });
const found = async (text: string): Promise<string[]> => (await classifier.classify({ text })).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);
const secrets = async (text: string): Promise<string[]> => (await found(text)).filter((f) => f.startsWith('SECRET:')).map((f) => f.slice('SECRET:'.length));

describe('secrets by their published token format', () => {
  it.each([
    ['AWS access key id', 'id AKIAIOSFODNN7EXAMPLE in the log', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A', 'ASIAY34FZKBOKMUTVV7A'],
    ['AWS secret access key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['GitHub classic', 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a used', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['GitHub OAuth', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', 'gho_16C7e42F292c6912E7710c838347Ae178B4a'],
    [
      'GitHub fine-grained',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV',
    ],
    ['GitLab', 'glpat-AbC12dEf34GhI56jKl78 (gitlab)', 'glpat-AbC12dEf34GhI56jKl78'],
    ['Slack bot', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['Slack app-level', 'xapp-1-A0123456789-1234567890123-abcdef0123456789', 'xapp-1-A0123456789-1234567890123-abcdef0123456789'],
    ['Stripe secret', 'stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['Stripe restricted', 'rk_live_51Habc123DEF456ghi789', 'rk_live_51Habc123DEF456ghi789'],
    ['Twilio API key', 'twilio SK0123456789abcdef0123456789abcdef', 'SK0123456789abcdef0123456789abcdef'],
    [
      'SendGrid',
      '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',
      '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',
    ],
    ['Google API key', 'key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI', 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI'],
    ['OpenAI project key', 'OPENAI_API_KEY=sk-proj-abc123DEF456ghi789JKL012mno345', 'sk-proj-abc123DEF456ghi789JKL012mno345'],
    ['Anthropic', 'sk-ant-api03-AbCdEf123456GhIjKl789012MnOpQr', 'sk-ant-api03-AbCdEf123456GhIjKl789012MnOpQr'],
    ['npm', 'npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['PyPI', 'pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAx', 'pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAx'],
    [
      'Azure AccountKey',
      'AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net',
      'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    ],
    [
      'JWT after Bearer',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
    ['opaque bearer token', 'Authorization: Bearer 4f9a1c0e7b2d8f6a5c3e1b0d9f8a7c6e', '4f9a1c0e7b2d8f6a5c3e1b0d9f8a7c6e'],
  ])('%s', async (_, text, value) => {
    expect(await secrets(text)).toEqual([value]);
  });

  it('takes a private key block from BEGIN through END, encrypted ones too', async () => {
    const pem = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----';
    expect(await secrets(`key:\n${pem}\nthanks`)).toEqual([pem]);
    const escaped = '-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAxyz\\n-----END RSA PRIVATE KEY-----';
    expect(await secrets(`{"private_key": "${escaped}"}`)).toEqual([escaped]);
  });

  it('labels a URL with credentials as one SECRET, not URL nor e-mail', async () => {
    expect(await found('connect to https://admin:S3cr3t!@db.example.com:5432/prod now')).toEqual(['SECRET:https://admin:S3cr3t!@db.example.com:5432/prod']);
    // a key word inside another word ("monkey") does not make the next value a key
    expect(await found('passwd=lapin_monkey47 target=https://burley:Bicicl1973!@dav.example.it/upload')).toEqual([
      'SECRET:lapin_monkey47',
      'SECRET:https://burley:Bicicl1973!@dav.example.it/upload',
    ]);
    expect(await found('postgres://app_user:hunter2pass@10.0.0.5/app.')).toEqual(['SECRET:postgres://app_user:hunter2pass@10.0.0.5/app']);
  });

  it('leaves publishable keys alone', async () => {
    expect(await secrets('pk_live_4eC39HqLyjWDarjtT1zdp7dc')).toEqual([]);
  });
});

describe('passwords after a keyword, in six languages', () => {
  it.each([
    ['password: Tr0ub4dor&3', 'Tr0ub4dor&3'],
    ['Passwort: Sommer2024!', 'Sommer2024!'],
    ['Das Kennwort lautet Xy7#kq9L. Danke', 'Xy7#kq9L'],
    ['mot de passe : Soleil!2024 merci', 'Soleil!2024'],
    ['Le mot de passe provisoire est Lune#42', 'Lune#42'],
    ['La contraseña es Luna_2023 gracias', 'Luna_2023'],
    ['clave: Madrid#88', 'Madrid#88'],
    ['la password è Roma2024!', 'Roma2024!'],
    ["parola d'ordine: Vesuvio#1", 'Vesuvio#1'],
    ['wachtwoord: Tulp!2022', 'Tulp!2022'],
    ['Mijn wachtwoord is Fiets2020', 'Fiets2020'],
    ['Klant gaf haar wachtwoord door: Winter1991. (reset geadviseerd)', 'Winter1991.'],
    ['{"password":"p@ssw0rd!"}', 'p@ssw0rd!'],
    ["{'pwd': 'hunter22'}", 'hunter22'],
    ['pass=Abc12345 host=x', 'Abc12345'],
    ['pwd: qwerty123', 'qwerty123'],
    ['PW: Hallo2024', 'Hallo2024'],
    ['db_password=Sup3rS3cret', 'Sup3rS3cret'],
    ['mot de passe : %RBU7VE8b+Q!P!\nmerci', '%RBU7VE8b+Q!P!'],
    ['PIN: 4711', '4711'],
  ])('%s', async (text, value) => {
    expect(await secrets(text)).toEqual([value]);
  });

  it('finds passwords in a password column', async () => {
    expect(await secrets('User;Password\njdoe;Welcome#2024\nasmith;Spring!99')).toEqual(['Welcome#2024', 'Spring!99']);
  });
});

describe('high-entropy values after key names', () => {
  it.each([
    ['client_secret: 8f3a9c2b7e6d4f1a0b9c8d7e6f5a4b3c', '8f3a9c2b7e6d4f1a0b9c8d7e6f5a4b3c'],
    ['api_key=1a2B3c4D5e6F7g8H9i0J', '1a2B3c4D5e6F7g8H9i0J'],
    ['X-Api-Key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    ['"access_token": "ya1Xb2Zc3Wd4Ve5Uf6Tg7Sh8"', 'ya1Xb2Zc3Wd4Ve5Uf6Tg7Sh8'],
    ['API key pasted into the ticket by mistake: Qm9vX2Jhcl9iYXpfMTIzNDU2Nzg5', 'Qm9vX2Jhcl9iYXpfMTIzNDU2Nzg5'],
    ['El token de integración es T039VulF3OScAsFUQvt0, hay que rotarlo.', 'T039VulF3OScAsFUQvt0'],
    ['Name,api_key\nsvc,Zk8pQ2rT7vX1yB4nM6cD', 'Zk8pQ2rT7vX1yB4nM6cD'],
    ['stripeSecretKey: "Zk8pQ2rT7vX1yB4nM6cD"', 'Zk8pQ2rT7vX1yB4nM6cD'],
    ['login failed for user bob password Abc!2345', 'Abc!2345'],
  ])('%s', async (text, value) => {
    expect(await secrets(text)).toEqual([value]);
  });

  it.each([
    'token: expired',
    'token: please-refresh-me',
    'Password reset requested',
    'The password is expired.',
    'Passwort: ********',
    'password: <redacted>',
    'api_key=${API_KEY}',
    'public_key: AAAAB3NzaC1yc2EAAAADAQABAAABAQC',
    'Token count: 1234',
    'session token: abc',
    'idempotency_key=8f3a9c2b-7e6d-4f1a-0b9c-8d7e6f5a4b3c',
    'secret: 2024-05-01T10:00:00Z',
    'keyboard: Zk8pQ2rT7vX1yB4nM6cD',
    'Id;FirstName\n50056nV1PWR6h2P3DA;Earl\n00321ZNxtMohBf7;Amos',
  ])('reports no secret in %s', async (text) => {
    expect(await secrets(text)).toEqual([]);
  });

  it('measures randomness', () => {
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
    expect(looksRandom('please-refresh-me')).toBe(false);
    expect(looksRandom('Zk8pQ2rT7vX1yB4nM6cD')).toBe(true);
    expect(looksLikePassword('reset')).toBe(false);
    expect(looksLikePassword('Reset2024')).toBe(true);
  });
});
