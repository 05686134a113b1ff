import { describe, expect, test } from "bun:test";
import { decodeText, encodeEdit } from "../../src/workspace/bytes.ts";

const latin1 = (text: string) => Buffer.from(text, "latin1");

describe("encodeEdit", () => {
  test("a UTF-8 file is written as the edit's text", () => {
    const original = Buffer.from("const a = 'é'\n", "utf8");
    expect(encodeEdit(original, "const a = 'è'\n").toString("utf8")).toBe("const a = 'è'\n");
    expect(encodeEdit(null, "new\n").toString("utf8")).toBe("new\n");
  });

  test("lines the edit does not touch keep their Latin-1 bytes; the lines it wrote are UTF-8", () => {
    // "é" (0xE9) and "ü" (0xFC) alone are not UTF-8: decoded, they are U+FFFD.
    const original = latin1("// auteur: Ren\xe9\r\nconst x = 1\r\n// gr\xfc\xdfe\r\n");
    const text = decodeText(original);
    expect(text).toBe("// auteur: Ren\uFFFD\r\nconst x = 1\r\n// gr\uFFFD\uFFFDe\r\n");
    const edited = text.replace("const x = 1", "const x = 2\r\nconst y = 'ok'");
    expect(encodeEdit(original, edited).equals(latin1("// auteur: Ren\xe9\r\nconst x = 2\r\nconst y = 'ok'\r\n// gr\xfc\xdfe\r\n"))).toBe(true);
  });

  test("a file without a final newline, and lines removed around the odd bytes", () => {
    const original = latin1("a\n\xa9 2024\nb\nc");
    const text = decodeText(original);
    expect(encodeEdit(original, text.replace("b\n", "")).equals(latin1("a\n\xa9 2024\nc"))).toBe(true);
    expect(encodeEdit(original, `${text}\nd\n`).equals(latin1("a\n\xa9 2024\nb\nc\nd\n"))).toBe(true);
  });

  test("a UTF-8 byte-order mark stays when the edit rewrote the first line without it", () => {
    const original = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("export const a = 1\nexport const b = 2\n")]);
    const expected = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("export const a = 9\nexport const b = 2\n")]);
    expect(encodeEdit(original, "export const a = 9\nexport const b = 2\n").equals(expected)).toBe(true);
    // Kept as it was when the edit's text has it (a diff on other lines), and never added to a file without one.
    expect(encodeEdit(original, decodeText(original).replace("b = 2", "b = 3")).subarray(0, 4).equals(Buffer.from([0xef, 0xbb, 0xbf, 0x65]))).toBe(true);
    expect(encodeEdit(Buffer.from("a\n"), "b\n").toString("utf8")).toBe("b\n");
  });

  test("a line the edit rewrote is the edit's text, even where it had odd bytes", () => {
    const original = latin1("x = '\xe9'\n");
    expect(encodeEdit(original, "x = 'é'\n").toString("utf8")).toBe("x = 'é'\n");
  });
});
