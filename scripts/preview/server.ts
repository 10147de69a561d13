import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SidecarEndpoint } from '../../sidecar/src/demo/replay.js';
import type { OrgClient } from '../../sidecar/src/writeback/index.js';
import { buildPreview, PREVIEW_USER_ID } from './build.js';
import { ApexError, ApiParamError, createControllers } from './controllers.js';
import { createSetupControllers } from './setup-controllers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SLDS = join(ROOT, 'node_modules/@salesforce-ux/design-system/assets');
const INDEX = join(ROOT, 'scripts/preview/app/index.html');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export interface PreviewOptions {
  /** The org the dashboards read and write: the org emulator holding the demo's records. */
  org: OrgClient;
  /**
   * The sidecar the setup tab calls, as the `LeakwatchSidecar` named credential would: the demo's, with the org's
   * secret. Without it, the setup tab's callouts fail as they do when the named credential has no URL.
   */
  sidecar?: SidecarEndpoint;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface Preview {
  /** Where a browser opens the dashboards, e.g. `http://127.0.0.1:8788/`. */
  url: string;
  close(): Promise<void>;
}

const send = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
};

const readJson = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiParamError('the body must be a JSON object');
  return parsed as Record<string, unknown>;
};

/** Serves a file below `base`, refusing paths that climb out of it. */
const serveFile = async (response: ServerResponse, base: string, relative: string): Promise<boolean> => {
  const path = normalize(join(base, relative));
  if (!path.startsWith(base)) return false;
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': info.size });
  createReadStream(path).pipe(response);
  return true;
};

/**
 * Builds the dashboards and the setup tab and serves them with their Apex calls answered from `org`: the in-org
 * experience without an org.
 */
export const startPreview = async (options: PreviewOptions): Promise<Preview> => {
  const outDir = await mkdtemp(join(tmpdir(), 'leakwatch-preview-'));
  await buildPreview(outDir);
  const index = await readFile(INDEX);
  const controllers = {
    ...createControllers({ org: options.org, user: { id: PREVIEW_USER_ID, name: 'Sam Reviewer' } }),
    ...createSetupControllers({ org: options.org, sidecar: options.sidecar }),
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const { pathname } = new URL(request.url ?? '/', 'http://preview');
    const apex = /^\/apex\/(\w+)\/(\w+)$/.exec(pathname);
    if (apex && request.method === 'POST') {
      const method = controllers[apex[1] as string]?.[apex[2] as string];
      if (!method) return send(response, 404, { message: `No Apex method ${apex[1]}.${apex[2]}`, exceptionType: 'System.NoSuchMethodException' });
      try {
        return send(response, 200, (await method(await readJson(request))) ?? null);
      } catch (error) {
        if (error instanceof ApexError) return send(response, 400, { message: error.message, exceptionType: 'System.AuraHandledException' });
        if (error instanceof ApiParamError || error instanceof SyntaxError)
          return send(response, 400, { message: error.message, exceptionType: 'System.TypeException' });
        return send(response, 500, { message: 'An internal server error has occurred', exceptionType: 'System.UnexpectedException' });
      }
    }
    if (request.method !== 'GET') return send(response, 405, { message: 'Method not allowed' });
    if (pathname === '/' || pathname === '/index.html') {
      response.writeHead(200, { 'content-type': TYPES['.html'] as string });
      response.end(index);
      return;
    }
    if (pathname.startsWith('/slds/') && (await serveFile(response, SLDS, pathname.slice('/slds/'.length)))) return;
    if (pathname.startsWith('/app/') && (await serveFile(response, outDir, pathname.slice(1)))) return;
    send(response, 404, { message: 'Not found' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, { message: 'An internal server error has occurred' }));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(outDir, { recursive: true, force: true });
    },
  };
};
