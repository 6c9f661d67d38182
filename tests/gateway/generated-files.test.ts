import { readFileSync } from "node:fs";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import codegenConfig, { CODEGEN_OUTPUT, CONSOLE_CODEGEN_OUTPUT } from "../../codegen.ts";
import { schemaFiles } from "../../src/gateway/schema-files.ts";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("generated files", () => {
  it("schema/*.graphql match what the subgraphs print and compose (run `npm run gen:schema`)", async () => {
    const files = await schemaFiles();
    expect(files.size).toBe(6);
    for (const [file, content] of files) expect(read(file), `${file} is stale`).toBe(content);
  });

  it("the typed operations match the operations and the supergraph (run `npm run gen:codegen`)", async () => {
    const outputs = await generate({ ...codegenConfig, cwd: root }, false);
    for (const file of [CODEGEN_OUTPUT, CONSOLE_CODEGEN_OUTPUT]) {
      const output = outputs.find((o: { filename: string; content: string }) => o.filename.endsWith(file));
      expect(output, `codegen produced no ${file}`).toBeDefined();
      expect(read(file), `${file} is stale`).toBe(output!.content);
    }
  });
});
