import { createHash } from "node:crypto";
import { EXAMPLE_QUERY } from "./examples.ts";

/**
 * The GraphiQL page, wired to the assets served from node_modules (no CDN). The header editor
 * starts with an Authorization placeholder: paste one of the demo tokens `npm start` prints.
 */
export function graphiqlPage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>儿童医保数据共享平台 · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">加载中… Loading…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script>${START_SCRIPT}</script>
</body>
</html>`;
}

const START_SCRIPT = `
  const config = ${JSON.stringify({
    query: EXAMPLE_QUERY,
    headers: JSON.stringify({ Authorization: "Bearer <token printed by npm start>" }, null, 2),
  }).replaceAll("<", "\\u003c")};
  const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: config.query,
      defaultHeaders: config.headers,
      headerEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
`;

/**
 * The one inline script the content security policy allows (http.ts), by its hash: the page's
 * own start-up, and nothing an injected `<script>` could carry.
 */
export const GRAPHIQL_SCRIPT_SOURCE = `'sha256-${createHash("sha256").update(START_SCRIPT).digest("base64")}'`;
