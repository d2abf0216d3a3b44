import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../logger.ts";
import { CaseError } from "../errors.ts";

/**
 * Login credentials a customer leaves for staff to reproduce an issue, sealed with
 * AES-256-GCM. The case id is the additional authenticated data, so a ciphertext
 * moved to another case fails to open, and any flipped byte fails the tag check.
 * Stored as "v1." + base64(iv (12 bytes) | tag (16 bytes) | ciphertext); the version
 * prefix leaves room for a key rotation.
 */
export interface LoginCredentials {
  username: string;
  password: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = "v1.";

export class CredentialVault {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new CaseError("CONFIG", { message: "CREDENTIALS_KEY must be 32 bytes, base64-encoded.", field: "CREDENTIALS_KEY" });
    this.#key = key;
  }

  seal(caseId: string, credentials: LoginCredentials): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(caseId, "utf8"));
    const body = Buffer.concat([cipher.update(JSON.stringify(credentials), "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  open(caseId: string, sealed: string): LoginCredentials {
    try {
      if (!sealed.startsWith(PREFIX)) throw new Error("unknown sealed-credentials version");
      const buf = Buffer.from(sealed.slice(PREFIX.length), "base64");
      const decipher = createDecipheriv("aes-256-gcm", this.#key, buf.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(caseId, "utf8"));
      decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString("utf8")) as LoginCredentials;
    } catch (cause) {
      throw new CaseError("UNEXPECTED", { message: "Stored credentials could not be decrypted.", cause });
    }
  }

  /** Keeps the key out of util.inspect, JSON and logs. */
  toJSON(): string {
    return "[CredentialVault]";
  }
}

/**
 * The key from CREDENTIALS_KEY; in development, one generated once into the data
 * folder (with a warning), so restarts can still read what was stored.
 */
export function loadVaultKey(options: { key?: string; dataDir: string; production: boolean; logger: Logger; ephemeral?: boolean }): Buffer {
  if (options.key) {
    const key = Buffer.from(options.key, "base64");
    if (key.length !== 32) {
      throw new CaseError("CONFIG", { message: "CREDENTIALS_KEY must be 32 random bytes, base64-encoded.", field: "CREDENTIALS_KEY" });
    }
    return key;
  }
  if (options.production) {
    throw new CaseError("CONFIG", { message: "CREDENTIALS_KEY is required in production.", field: "CREDENTIALS_KEY" });
  }
  if (options.ephemeral) {
    // An in-memory database forgets its cases on exit, so a key that dies with the process is enough.
    return randomBytes(32);
  }
  if (options.dataDir.startsWith("memory://")) {
    // A database that outlives the process (PostgreSQL) with no folder to keep a key in:
    // a key made now would seal logins that no later start could open, and a path built
    // from "memory://" would read whatever file happens to sit there.
    throw new CaseError("CONFIG", {
      message: "CREDENTIALS_KEY is required when DATA_DIR=memory:// is used with DATABASE_URL: there is no folder to keep a generated key in.",
      field: "CREDENTIALS_KEY",
    });
  }
  const file = join(options.dataDir, "credentials.key");
  if (existsSync(file)) return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600 });
  options.logger.warn(
    { file },
    "CREDENTIALS_KEY is not set: generated a development key into the data folder. Set CREDENTIALS_KEY in production.",
  );
  return key;
}
