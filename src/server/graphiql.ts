import { createHash } from "node:crypto";
import { exampleOperations } from "./examples.ts";

/**
 * The GraphiQL page, wired to the assets served from node_modules (no CDN). It opens one tab per
 * role operation (tests/operations), variables filled in. In the demo (the server answers
 * /console/demo-identities.json) a picker above it chooses whose token every request carries;
 * elsewhere the header editor carries the caller's own `Authorization`.
 */
export function graphiqlPage(): string {
  // Data, not code: a JSON block the one hashed start-up script reads, so the hash stays fixed.
  const examples = JSON.stringify(exampleOperations()).replaceAll("<", "\\u003c");
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>儿童医保数据共享平台 · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;font:14px system-ui,sans-serif}
#graphiql{flex:1;min-height:0}
#identity-bar{display:flex;gap:.5rem;align-items:center;padding:.35rem .75rem;border-bottom:1px solid #ddd}
#identity-bar[hidden]{display:none}
</style>
</head>
<body>
<div id="identity-bar" hidden>
<label for="identity">演示身份令牌 Demo token</label>
<select id="identity"><option value="">使用请求头编辑器中的令牌 (header editor)</option></select>
<span>演示密钥签发，切勿用于真实数据 · demo secret, never for real data</span>
</div>
<div id="graphiql">加载中… Loading…</div>
<script type="application/json" id="graphiql-examples">${examples}</script>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script>${START_SCRIPT}</script>
</body>
</html>`;
}

// Each tab's region and school variables come from the demo identity of the tab's role.
const START_SCRIPT = `
  const examples = JSON.parse(document.getElementById("graphiql-examples").textContent);
  const PLACEHOLDER = "Bearer <token printed by npm start>";
  const select = document.getElementById("identity");
  const base = GraphiQL.createFetcher({ url: "/graphql" });
  let identities = [];
  const fetcher = (params, options) => {
    const headers = Object.assign({}, options && options.headers);
    const picked = identities.find((i) => i.subject === select.value);
    if (picked) headers.Authorization = "Bearer " + picked.token;
    else if (headers.Authorization === PLACEHOLDER) delete headers.Authorization;
    return base(params, Object.assign({}, options, { headers }));
  };
  const fill = (example) => {
    const who = identities.find((i) => i.role === example.role);
    const scope = (who && who.scope) || {};
    const variables = Object.assign({}, example.variables);
    const school = scope.schools && scope.schools[0];
    if ("region" in variables && scope.region) variables.region = scope.region;
    if ("code" in variables && school) variables.code = school;
    if ("school" in variables && school) variables.school = school;
    return {
      query: example.query,
      variables: JSON.stringify(variables, null, 2),
      headers: JSON.stringify({ Authorization: PLACEHOLDER }, null, 2),
    };
  };
  const start = () => {
    const tabs = examples.map(fill);
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: tabs,
        // GraphiQL opens its editors on these, not on the first tab's own (it fills those on a switch).
        variables: tabs[0].variables,
        defaultHeaders: JSON.stringify({ Authorization: PLACEHOLDER }, null, 2),
        headerEditorEnabled: true,
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: "variables",
      })
    );
  };
  fetch("/console/demo-identities.json")
    .then((r) => (r.ok ? r.json() : { identities: [] }))
    .catch(() => ({ identities: [] }))
    .then((body) => {
      identities = body.identities || [];
      for (const i of identities) {
        const option = document.createElement("option");
        option.value = i.subject;
        option.textContent = i.role + " · " + i.subject;
        option.dataset.role = i.role;
        select.append(option);
      }
      if (identities.length > 0) {
        document.getElementById("identity-bar").hidden = false;
        const first = identities.find((i) => i.role === examples[0].role) || identities[0];
        select.value = first.subject;
      }
      start();
    });
`;

/**
 * The one inline script the content security policy allows (http.ts), by its hash: the page's
 * own start-up, and nothing an injected `<script>` could carry.
 */
export const GRAPHIQL_SCRIPT_SOURCE = `'sha256-${createHash("sha256").update(START_SCRIPT).digest("base64")}'`;
