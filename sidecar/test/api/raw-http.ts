import { connect, type Socket } from 'node:net';

/** One HTTP/1.1 reply as read off the wire. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  /** The replies the server sent on this connection, in order. */
  replies: RawReply[];
  /** Whether the server closed the connection (false: the test gave up first). */
  closed: boolean;
  /** From connecting to the close, or to giving up. */
  elapsedMs: number;
}

/** Splits what a server wrote on one connection into replies (Content-Length bodies only). */
export function parseReplies(text: string): RawReply[] {
  const replies: RawReply[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    replies.push({ status: Number(statusLine?.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return replies;
}

/**
 * Opens a raw connection to `port` on 127.0.0.1, lets `talk` write to it (or not), and collects
 * what the server answers until it closes the connection or `giveUpMs` passes.
 */
export function rawExchange(port: number, talk: (socket: Socket) => void, giveUpMs = 4_000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1', () => talk(socket));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => {});
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('end', () => {
      closed = true;
    });
    socket.on('close', (hadError) => {
      clearTimeout(giveUp);
      resolve({ replies: parseReplies(received), closed: closed || hadError, elapsedMs: Date.now() - started });
    });
  });
}

/** Writes `text` one byte every `everyMs` until it is written or the socket is closed. */
export function dribble(socket: Socket, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[at] as string);
    at += 1;
  }, everyMs);
}
