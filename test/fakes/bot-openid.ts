import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import jwt from "jsonwebtoken";

/**
 * Bot Framework's token signing, played locally: OpenID metadata and a JWKS with our
 * own RSA key (endorsed for msteams), and tokens signed with it the way the Bot
 * Connector signs them.
 * @link https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-authentication#connector-to-bot
 */
export const BOT_ISSUER = "https://api.botframework.com";

export class FakeBotOpenId {
  #server?: Server;
  readonly kid = "test-key-1";
  readonly #keys = generateKeyPairSync("rsa", { modulusLength: 2048 });

  get metadataUrl(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/.well-known/openidconfiguration`;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
      res.writeHead(200, { "content-type": "application/json" });
      if (req.url?.startsWith("/.well-known/")) {
        res.end(JSON.stringify({ issuer: BOT_ISSUER, authorization_endpoint: `${base}/authorize`, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ["RS256"], token_endpoint_auth_methods_supported: ["private_key_jwt"] }));
      } else {
        const jwk = this.#keys.publicKey.export({ format: "jwk" });
        res.end(JSON.stringify({ keys: [{ ...jwk, kty: "RSA", use: "sig", kid: this.kid, endorsements: ["msteams"] }] }));
      }
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
  }

  /** A token as the Bot Connector would send it; `override` tampers with claims. */
  token(options: { audience: string; serviceUrl: string; issuer?: string; expiresInSeconds?: number; key?: KeyObject }): string {
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign(
      { serviceurl: options.serviceUrl, iat: now - 60, nbf: now - 60, exp: now + (options.expiresInSeconds ?? 600) },
      (options.key ?? this.#keys.privateKey).export({ format: "pem", type: "pkcs8" }) as string,
      { algorithm: "RS256", keyid: this.kid, issuer: options.issuer ?? BOT_ISSUER, audience: options.audience },
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
