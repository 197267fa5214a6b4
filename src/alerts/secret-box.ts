import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';

/** How a sealed value starts; a stored secret without it is one kept in clear before sealing existed. */
const SEALED = 'v1:';
export const KEY_FILE = 'webhook-secret.key';

/**
 * Webhook secrets must be kept to sign with, so they cannot be hashed like API keys: they are
 * sealed with AES-256-GCM under a key that is not in the database, so a copy of the database
 * (a backup, a dump, a read through SQL) does not hand them out. The key is WEBHOOK_SECRET_KEY
 * (any text of 32 characters or more, hashed to 256 bits); without it, a random key kept in
 * DATA_DIR/webhook-secret.key (0600), made at the first start; with neither (tests in memory),
 * a key for this process only.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a SecretBox key is 32 bytes');
    this.key = key;
  }

  static fromConfig(config: { webhookSecretKey: string | null; dataDir: string | null }): SecretBox {
    if (config.webhookSecretKey) return new SecretBox(createHash('sha256').update(config.webhookSecretKey, 'utf8').digest());
    if (!config.dataDir) return new SecretBox(randomBytes(32));
    const file = join(config.dataDir, KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      // wx: never overwrite a key another instance has just written.
      try {
        writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
        new Logger('webhooks').log(`made the key that seals webhook secrets: ${file} (back it up with the database, or set WEBHOOK_SECRET_KEY)`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    chmodSync(file, 0o600);
    return new SecretBox(createHash('sha256').update(readFileSync(file, 'utf8').trim(), 'utf8').digest());
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED);
  }

  seal(clear: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return SEALED + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The clear secret; one stored before sealing existed is returned as it is. Throws if sealed under another key. */
  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(SEALED.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
