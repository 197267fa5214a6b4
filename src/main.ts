import 'reflect-metadata';
import { AppConfig } from './app-config.js';
import { startServer } from './app.js';

let config: AppConfig;
try {
  config = AppConfig.fromEnv();
} catch (err) {
  // A configuration the server must not run with: say why in one line, and exit non-zero.
  process.stderr.write(`Detainer Monitor did not start: ${(err as Error).message}\n`);
  process.exit(1);
}
await startServer(config);
