// The pinned packages of the real-edit corpus (pins.json, written by pin.ts) and where their
// tarballs are cached (git-ignored; fetch.ts fills it).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "../../../orchestrator/testing/zod.ts";

const Version = z.object({ version: z.string(), tarball: z.url(), integrity: z.string().startsWith("sha512-") }).strict();
const PinsSchema = z
  .object({
    packages: z.array(z.object({ name: z.string(), versions: z.array(Version).min(2) }).strict()),
  })
  .strict();

export type Pins = z.infer<typeof PinsSchema>;
export type PinnedVersion = z.infer<typeof Version>;

export const CACHE_DIR = join(import.meta.dir, "cache");

export function loadPins(): Pins {
  return PinsSchema.parse(JSON.parse(readFileSync(join(import.meta.dir, "pins.json"), "utf8")));
}

/** The cached tarball's file name: the package name with "/" spelt "+", then the version. */
export const tarballPath = (name: string, version: string) => join(CACHE_DIR, `${name.replace("/", "+")}-${version}.tgz`);

/** The sha512 integrity string (as npm writes it) of some bytes. */
export function integrityOf(bytes: Uint8Array<ArrayBuffer>): string {
  return `sha512-${new Bun.CryptoHasher("sha512").update(bytes).digest("base64")}`;
}

/** The bytes of a cached tarball, checked against its pinned hash; throws with the command that fetches it. */
export function readPinned(name: string, v: PinnedVersion): Uint8Array<ArrayBuffer> {
  const path = tarballPath(name, v.version);
  if (!existsSync(path)) throw new Error(`missing ${path}: run \`cd orchestrator && bun ../bench/apply/real/fetch.ts\` (needs the npm registry; --ci fetches only the CI slice's)`);
  const bytes = new Uint8Array(readFileSync(path));
  if (integrityOf(bytes) !== v.integrity) throw new Error(`${path} does not match its pinned integrity ${v.integrity}: delete it and fetch again`);
  return bytes;
}
