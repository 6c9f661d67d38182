import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { countChildRecords } from "../../src/server/child-records.ts";

const schema = buildSchema(`
  type Query { childrenInRegion: ChildConnection  school: School  child: Child }
  type ChildConnection { edges: [ChildEdge!]! }
  type ChildEdge { node: Child }
  type School { students: [Student!]! }
  type Student { child: Child }
  type Child { id: ID!  siblings: [Child!]! }
`);

describe("counting the child records an answer returns", () => {
  it("counts every non-null Child however deep, through aliases and fragments", () => {
    const document = parse(`{ all: childrenInRegion { edges { node { ...C } } } school { students { child { id } } } }
      fragment C on Child { id siblings { id } }`);
    const data = {
      all: {
        edges: [{ node: { id: "1", siblings: [{ id: "2" }] } }, { node: null }, { node: { id: "3", siblings: [] } }],
      },
      school: { students: [{ child: { id: "4" } }, { child: null }] },
    };
    expect(countChildRecords(schema, document, null, data)).toBe(4);
    expect(countChildRecords(schema, document, null, null)).toBe(0);
  });
});
