import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * A local stand-in for the mail relay the SMTP notification target sends to (README, "SMTP"): an
 * `smtp-server` (https://nodemailer.com/extras/smtp-server/) on 127.0.0.1 that enforces AUTH when users
 * are configured, keeps every message it accepts, and answers with faults on demand.
 */

interface SmtpUser {
  username: string;
  password: string;
}

/** Faults for the next messages, checked in this order once a message's data has arrived. */
interface SmtpFaults {
  /** The next n messages lose their connection at MAIL FROM: nothing is received. */
  dropConnections?: number;
  /** The next n messages are answered `421 4.3.0 Service shutting down, try again later` (temporary). */
  reply421?: number;
  /** The next n messages are answered `451 4.3.0 Local error in processing, try again later` (temporary). */
  reply451?: number;
  /** The next n messages are answered `550 5.7.1 Message rejected` (permanent). */
  reply550?: number;
}

interface SmtpEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Users AUTH PLAIN or LOGIN must name; with none, AUTH is neither offered nor needed. */
  users?: SmtpUser[];
  faults?: SmtpFaults;
}

/** A message as received: its envelope, its headers (names lower-cased, folded lines joined) and its body. */
interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The user who authenticated, if any. */
  user?: string;
  headers: Record<string, string>;
  /** The body after the blank line, as sent (transfer-encoded if the sender encoded it). */
  body: string;
  /** The queue id the emulator answered with (`250 OK: queued as <id>`). */
  queueId: string;
}

interface SmtpEmulatorStats {
  connections: number;
  authFailures: number;
  accepted: number;
  faultsInjected: { dropConnections: number; reply421: number; reply451: number; reply550: number };
}

export interface SmtpEmulator {
  host: string;
  port: number;
  /** Copies of the accepted messages, oldest first. */
  messages(): ReceivedMail[];
  setFaults(faults: SmtpFaults): void;
  readonly stats: SmtpEmulatorStats;
  close(): Promise<void>;
}

type FaultName = keyof SmtpFaults;
const FAULTS: FaultName[] = ['dropConnections', 'reply421', 'reply451', 'reply550'];
const REPLIES: Record<Exclude<FaultName, 'dropConnections'>, [number, string]> = {
  reply421: [421, '4.3.0 Service shutting down, try again later'],
  reply451: [451, '4.3.0 Local error in processing, try again later'],
  reply550: [550, '5.7.1 Message rejected'],
};

/** Splits a message at its first blank line; unfolds and lower-cases the header names (RFC 5322 §2.2.3). */
function parseMail(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

const smtpError = (code: number, message: string): Error & { responseCode: number } => Object.assign(new Error(message), { responseCode: code });

/** Starts the emulated relay on 127.0.0.1 without TLS (STARTTLS is not offered; AUTH is allowed in clear text on loopback). */
export async function startSmtpEmulator(options: SmtpEmulatorOptions = {}): Promise<SmtpEmulator> {
  const users = new Map((options.users ?? []).map((user) => [user.username, user.password]));
  const pending: Required<SmtpFaults> = { dropConnections: 0, reply421: 0, reply451: 0, reply550: 0 };
  const stats: SmtpEmulatorStats = {
    connections: 0,
    authFailures: 0,
    accepted: 0,
    faultsInjected: { dropConnections: 0, reply421: 0, reply451: 0, reply550: 0 },
  };
  const received: ReceivedMail[] = [];
  const setFaults = (faults: SmtpFaults): void => {
    for (const name of FAULTS) {
      const value = faults[name];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`fault ${name} must be a non-negative integer`);
      pending[name] = value;
    }
  };
  const take = (name: FaultName): boolean => {
    if (pending[name] === 0) return false;
    pending[name] -= 1;
    stats.faultsInjected[name] += 1;
    return true;
  };
  if (options.faults) setFaults(options.faults);

  const server: SMTPServer = new SMTPServer({
    logger: false,
    disabledCommands: users.size > 0 ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: users.size === 0,
    allowInsecureAuth: true,
    onConnect(_session, callback) {
      stats.connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      const expected = auth.username === undefined ? undefined : users.get(auth.username);
      if (expected === undefined || expected !== auth.password) {
        stats.authFailures += 1;
        return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      }
      return callback(null, { user: auth.username });
    },
    onMailFrom(_address, session: SMTPServerSession, callback) {
      if (take('dropConnections')) {
        [...server.connections].find((connection) => connection.id === session.id)?._socket.destroy();
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const fault = (['reply421', 'reply451', 'reply550'] as const).find((name) => take(name));
        if (fault) return callback(smtpError(...REPLIES[fault]));
        const queueId = `LW${String(received.length + 1).padStart(6, '0')}`;
        const from = session.envelope.mailFrom;
        received.push({
          envelope: { from: from === false ? '' : from.address, to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
          queueId,
        });
        stats.accepted += 1;
        return callback(null, `OK: queued as ${queueId}`);
      });
    },
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host,
    port,
    messages: () => received.map((mail) => ({ ...mail, envelope: { ...mail.envelope, to: [...mail.envelope.to] }, headers: { ...mail.headers } })),
    setFaults,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
