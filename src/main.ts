import 'reflect-metadata';
import { AppConfig } from './app-config.js';
import { startServer } from './app.js';

await startServer(AppConfig.fromEnv());
