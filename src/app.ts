import { ConsoleLogger, Logger, type INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppConfig } from './app-config.js';
import { AppModule } from './app.module.js';
import { accessLogOfRefusals } from './audit/access-log.interceptor.js';
import { AuditService } from './audit/audit.service.js';
import type { AuthedRequest } from './auth/api-key.guard.js';
import { Authenticator } from './auth/authenticator.service.js';
import { Clock } from './common/clock.js';
import { HttpErrorFilter } from './common/http-exception.filter.js';
import { jsonDepth, MAX_JSON_DEPTH } from './common/json-depth.js';
import { projectFolder } from './common/project-folder.js';

export interface CreateAppOptions {
  clock?: Clock;
  /** false silences Nest's logger (tests). */
  logger?: false | undefined;
}

/** Build the app (used by main.ts and by the tests, so both run the same wiring). */
export async function createApp(config: AppConfig, opts: CreateAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, opts.clock), {
    bodyParser: false,
    logger: opts.logger === false ? false : config.logFormat === 'json' ? new ConsoleLogger({ json: true }) : undefined,
  });
  app.disable('x-powered-by');
  limitTime(app.getHttpServer(), config);
  // First, so that it sees how every request ended.
  app.use(accessLogOfRefusals(app.get(AuditService)));
  // Security headers everywhere; the Swagger UI pages need inline scripts, so no CSP there.
  // No upgrade-insecure-requests: a jail LAN may serve the board over plain http by IP, where it would break every asset.
  const strict = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  const docs = helmet({ contentSecurityPolicy: false });
  app.use((req: { path: string }, res: unknown, next: () => void) => (req.path.startsWith('/api/docs') ? docs : strict)(req as never, res as never, next));
  // API answers name people and holds: no browser or proxy may keep them.
  app.use('/api', (_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // The key is checked before the body is read: a request without a valid key is answered 401
  // (by the guard, which finishes this check) with its body unread and unparsed, and its
  // connection closed. Health and the API docs need no key.
  const authenticator = app.get(Authenticator);
  app.use((req: AuthedRequest, _res: express.Response, next: express.NextFunction) => {
    if (!req.path.startsWith('/api/') || req.path === '/api/health' || req.path.startsWith('/api/docs')) return next();
    req.authentication = authenticator.authenticate(req);
    req.authentication.then(() => next(), next);
  });
  /** A body parser that runs only for a request whose key was accepted (no route without one takes a body). */
  const forAuthenticated = (parser: express.RequestHandler) => (req: AuthedRequest, res: express.Response, next: express.NextFunction) => {
    if (!req.authentication) return next();
    req.authentication.then((a) => ('principal' in a ? parser(req, res, next) : next()), next);
  };
  // POST /api/events takes its body as bytes: ingestion parses it after the key is checked, so
  // a body that is not JSON is kept with the refusals too (nothing a jail sent is lost).
  const rawEvents = forAuthenticated(express.raw({ type: () => true, limit: config.bodyLimit }));
  // Only POST /api/events itself and its restore (NDJSON): the other sub-routes (a refusal re-sent or dismissed) take JSON like any other.
  app.use('/api/events', (req: express.Request, res: express.Response, next: express.NextFunction) =>
    req.method === 'POST' && (req.path === '/' || req.path === '/restore') ? rawEvents(req, res, next) : next(),
  );
  app.use(
    forAuthenticated(
      express.json({
        limit: config.bodyLimit,
        // Refuse absurd nesting before parsing: deep bodies would otherwise exhaust the stack downstream.
        verify: (_req: unknown, _res: unknown, buf: Buffer) => {
          if (jsonDepth(buf) > MAX_JSON_DEPTH) throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, type: 'entity.too.deep' });
        },
      }),
    ),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  // The live board: static files of web/, and the browser build of Luxon the board's modules import.
  const web = webRoot();
  // Without its files (a packaging mistake) the API still runs: holds and alerts matter more than the page.
  if (web) {
    // Only the board's own files: not web/tsconfig.json nor anything else that lands in web/.
    const board = express.static(web, { index: 'index.html', maxAge: 0, dotfiles: 'ignore' });
    const files = new Set([
      '/',
      ...readdirSync(web)
        .filter((f) => /^[\w-]+\.(html|js|css|svg|png|ico)$/.test(f))
        .map((f) => `/${f}`),
    ]);
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => (files.has(req.path) ? board(req, res, next) : next()));
  } else new Logger('http').warn('web/index.html not found: the live board is not served, the API is');
  app.useStaticAssets(join(dirname(createRequire(import.meta.url).resolve('luxon/package.json')), 'build', 'es6'), { prefix: '/vendor/luxon/', maxAge: '1d' });
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, buildOpenApi(app), { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

/** web/ at the project root, found from here whether running from src/ (tests) or dist/src/ (npm start). */
const webRoot = () => projectFolder('web', 'index.html');

/** The OpenAPI document, generated from the controllers and their zod schemas. */
export function buildOpenApi(app: INestApplication) {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Detainer Monitor')
      .setDescription('Keeps immigration detainer holds within the legal limit, and proves it. See README.md.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
}

/**
 * How long a client may take: to send its headers, its whole request (a body trickled a byte at
 * a time is cut off with 408), and how long a connection may sit idle. Node checks the first
 * two on a timer, here every second at most, so a limit is met within a second of it.
 */
function limitTime(server: Server, config: AppConfig): void {
  server.headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  server.requestTimeout = config.requestTimeoutMs;
  server.timeout = config.idleTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, Math.max(100, Math.floor(server.headersTimeout / 2)));
}

export async function startServer(config: AppConfig): Promise<INestApplication> {
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // The port bound, which PORT=0 leaves to the system (the tests start servers that way).
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('http').log(`Detainer Monitor listening on http://localhost:${port} (API docs at /api/docs; bound to ${config.host})`);
  return app;
}
