import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { createFormatError } from "../../src/server/error-format.ts";

describe("what a client sees of an error", () => {
  it("masks anything without a hub code to INTERNAL_SERVER_ERROR and an id, reporting the whole error under it", () => {
    const reported: { id: string; error: unknown }[] = [];
    const format = createFormatError({ production: false, report: (id, error) => reported.push({ id, error }) });
    const leak = new Error(`Failed query: select * from "hub"."children" where id_number = '330106201501010011'`);
    const formatted = format(
      {
        message: leak.message,
        path: ["child"],
        extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["Error: …"] },
      },
      leak,
    );
    expect(formatted).toEqual({
      message: `internal error ${reported[0]!.id}: the details are in the server log`,
      path: ["child"],
      extensions: { code: "INTERNAL_SERVER_ERROR", errorId: reported[0]!.id },
    });
    expect(reported[0]!.error).toBe(leak);
    // An id a subgraph already logged under is kept.
    const id = "0b589f40-d823-427f-aa90-d91e324d7da1";
    expect(
      format(
        { message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR", errorId: id, serviceName: "hub" } },
        new Error("x"),
      ).extensions,
    ).toEqual({ code: "INTERNAL_SERVER_ERROR", errorId: id });
  });

  it("passes the hub's coded errors, dropping suggestions and stack traces in production only", () => {
    const production = createFormatError({ production: true, report: () => {} });
    const development = createFormatError({ production: false, report: () => {} });
    const suggestion = {
      message: 'Cannot query field "nme" on type "Child". Did you mean "name"?',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", stacktrace: ["…"] },
    };
    expect(production(suggestion, new GraphQLError(suggestion.message))).toEqual({
      message: 'Cannot query field "nme" on type "Child".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    // #18.23: outside production too, a stack trace (absolute server paths) needs the development flag.
    expect(development(suggestion, new GraphQLError(suggestion.message))).toEqual({
      message: suggestion.message,
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    const forbidden = {
      message: "role analyst may not read Child.name",
      extensions: { code: "FORBIDDEN", field: "Child.name" },
    };
    expect(production(forbidden, new GraphQLError(forbidden.message))).toEqual(forbidden);
  });

  it("restates graphql-js's token-limit parse error as the hub's limit error", () => {
    const format = createFormatError({ production: true, report: () => {} });
    const formatted = format(
      {
        message: "Syntax Error: Document contains more that 1500 tokens. Parsing aborted.",
        extensions: { code: "GRAPHQL_PARSE_FAILED" },
      },
      new GraphQLError("x"),
    );
    expect(formatted).toEqual({
      message: "number of tokens exceeds the limit of 1500 (HUB_MAX_TOKENS): parsing stopped there",
      extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "HUB_MAX_TOKENS", max: 1500 },
    });
  });
});
