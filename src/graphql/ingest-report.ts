// Decorators below read type metadata: the polyfill must be loaded whoever imports this file first (a test may).
import "reflect-metadata";
import { Directive, Field, InputType, Int, ObjectType } from "type-graphql";

/**
 * The GraphQL face of a batch ingest (src/ingest/batch.ts), shared by the four department
 * subgraphs' `submit<Department>Records` mutations. Each subgraph defines these types, so they
 * must print identically in all four: they live here, once. The report types are value types
 * resolved by several subgraphs, hence `@shareable` (as PageInfo in connection.ts).
 *
 * A row is a list of column/value pairs rather than a JSON scalar: the columns are the
 * department files' own column names (snake_case, documented per kind in the README), every
 * value is text as in a CSV cell, and the schema states that shape — clients and codegen get
 * real types, the gateway can validate the request, and no custom scalar has to be defined
 * identically in every subgraph and understood by every router. A JSON object would also let a
 * number, a list or a nested object in, which the kinds then have to refuse one by one.
 */

@InputType("RecordField", {
  description: "One cell of a department record: a column of the department's file format and its text.",
})
export class RecordField {
  @Field(() => String, {
    description: "The column name, as in the department's files (snake_case, e.g. record_id, school_code).",
  })
  column!: string;

  @Field(() => String, {
    nullable: true,
    description: "The value as text, as in a CSV cell; null or empty means absent.",
  })
  value!: string | null;
}

@InputType("RecordRow", {
  description: "One record of a batch: each column at most once; the record's kind says which columns exist.",
})
export class RecordRow {
  @Field(() => [RecordField])
  fields!: RecordField[];
}

@Directive("@shareable")
@ObjectType("RejectedRow", { description: "One refused value of one row: the row is not written." })
export class RejectedRow {
  @Field(() => Int, { description: "The row's position in the batch (in `rows`, counting from 0)." })
  index!: number;

  @Field(() => String, { nullable: true, description: "The row's record_id, when it had a readable one." })
  recordId!: string | null;

  @Field(() => String, { description: "The column at fault (record_id for a record sent twice in one batch)." })
  field!: string;

  @Field(() => String, { description: "What the column must hold, and what it held." })
  message!: string;
}

@Directive("@shareable")
@ObjectType("IngestReport", {
  description: "What one batch did. Everything it counts is committed; rejected rows are not written, the others are.",
})
export class IngestReport {
  @Field(() => Int, { description: "Rows with a record id the hub did not hold: inserted." })
  accepted!: number;

  @Field(() => Int, {
    description: "Rows that changed a record the hub held (the previous values are kept in its history).",
  })
  updated!: number;

  @Field(() => Int, { description: "Rows identical to the record the hub holds: nothing written." })
  unchanged!: number;

  @Field(() => Int, { description: "Rows refused (each one's reasons are in `rejected`)." })
  rejectedRows!: number;

  @Field(() => [RejectedRow], { description: "Every refused value, by row and column, in row order." })
  rejected!: RejectedRow[];

  @Field(() => Int, { description: "Master children whose links or coverage status the batch changed." })
  touchedChildren!: number;
}
