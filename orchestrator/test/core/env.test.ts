import { describe, expect, test } from "bun:test";
import { parseEnv } from "../../src/core/env.ts";

describe("parseEnv", () => {
  test("defaults are the seed's", () => {
    expect(parseEnv({})).toMatchObject({
      LITELLM_URL: "http://localhost:4000/v1",
      LITELLM_API_KEY: "dev-key",
      LOG_LEVEL: "info",
      VERIFY_TIMEOUT_MS: 60_000,
      MODEL_TIMEOUT_MS: 300_000,
    });
  });
  test("empty values count as unset; bad values are refused by name", () => {
    expect(parseEnv({ LITELLM_URL: "" }).LITELLM_URL).toBe("http://localhost:4000/v1");
    expect(() => parseEnv({ VERIFY_TIMEOUT_MS: "soon" })).toThrow(/VERIFY_TIMEOUT_MS/);
    expect(() => parseEnv({ LITELLM_URL: "not a url" })).toThrow(/LITELLM_URL/);
    expect(() => parseEnv({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });
  test.each([
    [{ MODEL_TIMEOUT_MS: "5m" }, 'bad environment: MODEL_TIMEOUT_MS="5m": expected a whole number'],
    [{ MODEL_TIMEOUT_MS: "1.5" }, 'bad environment: MODEL_TIMEOUT_MS="1.5": expected a whole number'],
    [{ MODEL_MAX_RETRIES: "20" }, 'bad environment: MODEL_MAX_RETRIES="20": Too big: expected number to be <=10'],
  ])("a bad value is named with what it is: %p", (env, message) => {
    expect(() => parseEnv(env)).toThrow(message);
  });
});
