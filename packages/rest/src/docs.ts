/** Renders the OpenAPI document as a self-contained HTML page (no scripts, no external assets). */
type Json = Record<string, unknown>;

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function schemaText(schema: unknown): string {
  return esc(JSON.stringify(schema, null, 2));
}

/** The docs page. */
export function renderDocs(doc: Json): string {
  const info = doc.info as { title: string; description: string };
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const id = esc(op.operationId);
      toc.push(
        `<li><a href="#${id}"><span class="m m-${method}">${method.toUpperCase()}</span> ${esc(path)}</a></li>`,
      );
      const params = (op.parameters as Json[] | undefined) ?? [];
      const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
      const responses = op.responses as Record<
        string,
        { description: string; content?: Record<string, { schema: unknown }> }
      >;
      const secured = JSON.stringify(op.security ?? []).includes('bearer');
      ops.push(`<section class="op" id="${id}">
  <h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
  <p class="summary">${esc(op.summary)}${secured ? (JSON.stringify(op.security).startsWith('[{}') ? ' <span class="tag">token optional</span>' : ' <span class="tag">token required</span>') : ''}</p>
  ${op.description ? `<p>${esc(op.description)}</p>` : ''}
  ${
    params.length
      ? `<table><caption>Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Required</th><th scope="col">Schema</th><th scope="col">Description</th></tr></thead><tbody>${params
          .map(
            (p) =>
              `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${esc(p.description)}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : ''
  }
  ${
    body
      ? Object.entries(body.content)
          .map(
            ([type, c]) =>
              `<details><summary>Request body (${esc(type)})</summary><pre>${schemaText(c.schema)}</pre></details>`,
          )
          .join('')
      : ''
  }
  <details><summary>Responses: ${Object.keys(responses).map(esc).join(', ')}</summary><dl>${Object.entries(
    responses,
  )
    .map(
      ([status, r]) =>
        `<dt>${esc(status)}</dt><dd>${esc(r.description)}${
          r.content
            ? Object.values(r.content)
                .map((c) => `<pre>${schemaText(c.schema)}</pre>`)
                .join('')
            : ''
        }</dd>`,
    )
    .join('')}</dl></details>
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} — API</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="docs">
<header><h1>${esc(info.title)}</h1><p>${esc(info.description)}</p>
<p><a href="/api/v1/openapi.json">openapi.json</a> · <a href="/">Verify a document</a></p></header>
<main>
<nav aria-label="Operations"><ul>${toc.join('')}</ul></nav>
${ops.join('\n')}
</main>
</body>
</html>
`;
}
