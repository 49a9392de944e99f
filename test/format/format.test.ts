import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatEncryptedValue, parseEncryptedValue } from "../../src/format/enc.js";
import { formatGoFloat, scalarToBytes } from "../../src/format/values.js";
import { additionalData, compileRules } from "../../src/format/rules.js";
import { macAdditionalData, detectIndentSeq } from "../../src/format/yaml.js";
import { FormatError } from "../../src/errors.js";

describe("ENC[] strings", () => {
  it("round-trip byte for byte", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.constantFrom("str", "int", "float", "bool", "comment", "time" as const),
        (data, iv, tag, type) => {
          const s = formatEncryptedValue({ data, iv, tag, type });
          const back = parseEncryptedValue(s, "x");
          expect(formatEncryptedValue(back)).toBe(s);
          expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
        },
      ),
    );
  });

  it("rejects damaged strings with a FormatError naming the place, not the value", () => {
    for (const bad of [
      "ENC[AES256_GCM,data:AAA,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
      "ENC[AES256_GCM,data:QQ==,iv:QQ==,tag:QQ==,type:str]",
      "ENC[AES256_GCM,data:QQ==,iv:QQ==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:blob]",
      "ENC[AES256_GCM,data:QQ==]",
    ]) {
      expect(() => parseEncryptedValue(bad, "secrets.X.value")).toThrow(FormatError);
      try {
        parseEncryptedValue(bad, "secrets.X.value");
      } catch (e) {
        expect((e as Error).message).toContain("secrets.X.value");
      }
    }
  });
});

/** The checks of parseEncryptedValue one by one, as first written: the one-match fast path must agree with them. */
function checkByCheck(s: string, where: string): unknown {
  const m = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:([a-z]+)\]$/.exec(
    s,
  );
  if (!m) return `malformed encrypted value at ${where}`;
  const b64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (![m[1]!, m[2]!, m[3]!].every((p) => b64.test(p))) return `malformed base64 in encrypted value at ${where}`;
  if (!["str", "int", "float", "bool", "comment", "time", "bytes"].includes(m[4]!))
    return `unknown value type "${m[4]}" at ${where}`;
  const [data, iv, tag] = [m[1]!, m[2]!, m[3]!].map((p) => [...Buffer.from(p, "base64")]);
  if (iv!.length === 0 || tag!.length !== 16) return `malformed iv or tag in encrypted value at ${where}`;
  return { data, iv, tag, type: m[4] };
}

describe("ENC[] strings parse in one match when well formed", () => {
  it("with the result or the error of the checks one by one, on damaged and valid strings", () => {
    const field = fc.oneof(
      fc.constantFrom("", "QQ==", "QUI=", "QUJD", "AAAAAAAAAAAAAAAAAAAAAA==", "A", "QQ", "Q===", "QQ=A", "-_"),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("base64")),
    );
    const type = fc.constantFrom("str", "int", "bytes", "blob", "Str", "");
    fc.assert(
      fc.property(field, field, field, type, fc.constantFrom("", "x", "]"), (data, iv, tag, t, tail) => {
        const s = `ENC[AES256_GCM,data:${data},iv:${iv},tag:${tag},type:${t}]${tail}`;
        let got: unknown;
        try {
          const v = parseEncryptedValue(s, ["secrets", "X", "value"]);
          got = { data: [...v.data], iv: [...v.iv], tag: [...v.tag], type: v.type };
        } catch (err) {
          expect(err).toBeInstanceOf(FormatError);
          got = (err as Error).message;
        }
        expect(got).toEqual(checkByCheck(s, "secrets.X.value"));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("sops value bytes", () => {
  it("formats floats like Go's FormatFloat(v, 'f', -1, 64)", () => {
    expect(formatGoFloat(1234.56789)).toBe("1234.56789");
    expect(formatGoFloat(1e21)).toBe("1000000000000000000000");
    expect(formatGoFloat(1.5e-7)).toBe("0.00000015");
    expect(formatGoFloat(-2.5e-10)).toBe("-0.00000000025");
    expect(formatGoFloat(123e25)).toBe("1230000000000000000000000000");
    expect(formatGoFloat(Infinity)).toBe("+Inf");
    expect(formatGoFloat(3)).toBe("3");
  });
  it("formats booleans as True/False and ints in decimal", () => {
    expect(Buffer.from(scalarToBytes(true, "bool")).toString()).toBe("True");
    expect(Buffer.from(scalarToBytes(false, "bool")).toString()).toBe("False");
    expect(Buffer.from(scalarToBytes(9007199254740993n, "int")).toString()).toBe("9007199254740993");
    expect(scalarToBytes(null, "str")).toHaveLength(0);
  });
});

describe("encryption rules and associated data", () => {
  it("builds the AAD from the key path", () => {
    expect(additionalData(["secrets", "PYPI_TOKEN", "value"])).toBe("secrets:PYPI_TOKEN:value:");
  });
  it("applies each rule to every key on the path", () => {
    expect(compileRules({ encryptedRegex: "^value$" })(["secrets", "X", "value"])).toBe(true);
    expect(compileRules({ encryptedRegex: "^value$" })(["secrets", "X", "type"])).toBe(false);
    expect(compileRules({})(["a", "b_unencrypted", "c"])).toBe(false);
    expect(compileRules({})(["a", "c"])).toBe(true);
    expect(compileRules({ unencryptedSuffix: "unencrypted" })(["unencrypted_not"])).toBe(true);
    expect(compileRules({ encryptedSuffix: "_enc" })(["x_enc", "y"])).toBe(true);
    expect(compileRules({ unencryptedRegex: "^pub" })(["public"])).toBe(false);
  });
  it("formats the MAC's AAD like Go's RFC 3339", () => {
    expect(macAdditionalData("2023-12-26T17:50:08Z")).toBe("2023-12-26T17:50:08Z");
    expect(macAdditionalData("2023-12-26T17:50:08.123456Z")).toBe("2023-12-26T17:50:08Z");
    expect(macAdditionalData("2023-12-26T17:50:08+00:00")).toBe("2023-12-26T17:50:08Z");
    expect(macAdditionalData("2023-12-26T17:50:08+02:00")).toBe("2023-12-26T17:50:08+02:00");
  });
  it("detects sequence indentation style", () => {
    expect(detectIndentSeq("a:\n- x\n")).toBe(false);
    expect(detectIndentSeq("a:\n  - x\n")).toBe(true);
  });
});
