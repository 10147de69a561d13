import type { CommandIo } from './command.js';

/** The running sidecar a command talks to, from `--url`, `LEAKWATCH_URL` and `LEAKWATCH_SECRET`. */
export interface SidecarTarget {
  base: string;
  secret: string;
}

/**
 * Where the running sidecar is and the org's bearer secret; writes what is missing to stderr and
 * returns undefined (exit code 2) when the secret is not set.
 */
export function sidecarTarget(command: string, url: string | undefined, io: CommandIo): SidecarTarget | undefined {
  const secret = io.env.LEAKWATCH_SECRET;
  if (!secret) {
    io.stderr.write(`leakwatch ${command}: set LEAKWATCH_SECRET to the org's bearer secret\n`);
    return undefined;
  }
  return { base: url ?? io.env.LEAKWATCH_URL ?? 'http://127.0.0.1:8787', secret };
}

/**
 * Calls one route of the sidecar's API with the org's secret. Resolves to the JSON reply, or to
 * undefined after writing `leakwatch <command>: <status> <message>` to stderr for an error reply.
 */
export async function callSidecar<T>(
  command: string,
  target: SidecarTarget,
  io: CommandIo,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T | undefined> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.base), {
      method,
      headers: { authorization: `Bearer ${target.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    io.stderr.write(
      `leakwatch ${command}: cannot reach the sidecar at ${target.base}${code ? ` (${code})` : ''}: is it running? Give its address with --url or LEAKWATCH_URL.\n`,
    );
    return undefined;
  }
  const reply = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) {
    io.stderr.write(`leakwatch ${command}: ${response.status} ${reply.message ?? response.statusText}\n`);
    return undefined;
  }
  return reply;
}
