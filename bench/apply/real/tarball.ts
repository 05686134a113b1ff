// Reading the TypeScript sources out of an npm tarball (.tgz) in memory: gunzip with Bun's zlib,
// then the ustar format npm writes (512-byte headers, the ustar name prefix, and pax "path"
// records for long names). No tar binary and nothing unpacked to disk, so the cache is just the
// tarballs as the registry serves them.

const BLOCK = 512;

function field(buf: Uint8Array, at: number, len: number): string {
  const raw = buf.subarray(at, at + len);
  const end = raw.indexOf(0);
  return new TextDecoder().decode(end === -1 ? raw : raw.subarray(0, end));
}

const octal = (buf: Uint8Array, at: number, len: number) => parseInt(field(buf, at, len).trim() || "0", 8);

/** The "path" record of a pax extended header, if it has one. */
function paxPath(body: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(body);
  for (const rec of text.split("\n")) {
    const m = /^\d+ path=(.*)$/.exec(rec);
    if (m) return m[1];
  }
  return undefined;
}

/** Every regular file of the tarball whose path passes `keep`, by its path inside the package (the leading "package/" dropped). */
export function readTarball(tgz: Uint8Array<ArrayBuffer>, keep: (path: string) => boolean): Map<string, string> {
  const tar = Bun.gunzipSync(tgz);
  const out = new Map<string, string>();
  let nextPath: string | undefined;
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const body = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      nextPath = paxPath(body);
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = nextPath ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    nextPath = undefined;
    if (type !== "0" && type !== "\0") continue;
    const path = name.replace(/^[^/]+\//, ""); // npm's top folder, usually package/
    if (keep(path)) out.set(path, new TextDecoder().decode(body));
  }
  return out;
}
