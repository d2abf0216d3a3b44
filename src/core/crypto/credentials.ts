import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../logger.ts";
import { CaseError } from "../errors.ts";

/**
 * Login credentials a customer leaves for staff to reproduce an issue, sealed with
 * AES-256-GCM. The case id is the additional authenticated data, so a ciphertext
 * moved to another case fails to open, and any flipped byte fails the tag check.
 * Stored as "v2.<key id>." + base64(iv (12 bytes) | tag (16 bytes) | ciphertext): the
 * key id (the first 8 characters of the key's SHA-256, base64url; it reveals nothing of
 * the key) names the key that sealed it, so after a rotation the old keys
 * (CREDENTIALS_KEY_PREVIOUS) still open what they sealed until `keys reseal` has sealed
 * everything again under the new one. "v1." values (before key ids) carry no id: each
 * key is tried.
 */
export interface LoginCredentials {
  username: string;
  password: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const V1 = "v1.";
const V2 = "v2.";

/** A key's public name: stable, short, and no help in guessing the key. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

function checkedKey(key: Buffer, field: string): Buffer {
  if (key.length !== 32) throw new CaseError("CONFIG", { message: `${field} must be 32 bytes, base64-encoded.`, field });
  return key;
}

export class CredentialVault {
  readonly #key: Buffer;
  readonly #keys: Map<string, Buffer>;
  /** The id of the key that seals from now on. */
  readonly currentKeyId: string;

  /** `previous`: keys of earlier rotations, kept only to open what they sealed. */
  constructor(key: Buffer, previous: Buffer[] = []) {
    this.#key = checkedKey(key, "CREDENTIALS_KEY");
    this.currentKeyId = keyId(this.#key);
    this.#keys = new Map([[this.currentKeyId, this.#key]]);
    for (const old of previous) {
      const k = checkedKey(old, "CREDENTIALS_KEY_PREVIOUS");
      if (!this.#keys.has(keyId(k))) this.#keys.set(keyId(k), k);
    }
  }

  seal(caseId: string, credentials: LoginCredentials): string {
    return this.sealText(caseId, JSON.stringify(credentials));
  }

  open(caseId: string, sealed: string): LoginCredentials {
    return JSON.parse(this.openText(caseId, sealed)) as LoginCredentials;
  }

  /**
   * Any secret text (a Slack installation's tokens, issue 13), sealed the same way:
   * `context` is the additional authenticated data, naming what the value belongs to.
   */
  sealText(context: string, text: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
    return `${V2}${this.currentKeyId}.` + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  openText(context: string, sealed: string): string {
    try {
      if (sealed.startsWith(V2)) {
        const dot = sealed.indexOf(".", V2.length);
        const key = this.#keys.get(sealed.slice(V2.length, dot));
        if (dot < 0 || !key) throw new Error("sealed with a key this server does not have (see CREDENTIALS_KEY_PREVIOUS)");
        return openWith(key, context, sealed.slice(dot + 1));
      }
      if (!sealed.startsWith(V1)) throw new Error("unknown sealed-credentials version");
      let failure: unknown;
      for (const key of this.#keys.values()) {
        try {
          return openWith(key, context, sealed.slice(V1.length));
        } catch (error) {
          failure = error;
        }
      }
      throw failure;
    } catch (cause) {
      throw new CaseError("UNEXPECTED", { message: "Stored credentials could not be decrypted.", cause });
    }
  }

  /** True when the value was sealed by another key than the current one (or before key ids). */
  needsReseal(sealed: string): boolean {
    return !sealed.startsWith(`${V2}${this.currentKeyId}.`);
  }

  /** Keeps the keys out of util.inspect, JSON and logs. */
  toJSON(): string {
    return "[CredentialVault]";
  }
}

function openWith(key: Buffer, context: string, base64: string): string {
  const buf = Buffer.from(base64, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plain = Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  return plain.toString("utf8");
}

/** CREDENTIALS_KEY_PREVIOUS: earlier keys, base64, separated by commas. */
export function parsePreviousKeys(raw: string | undefined): Buffer[] {
  return (raw ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => checkedKey(Buffer.from(k, "base64"), "CREDENTIALS_KEY_PREVIOUS"));
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
