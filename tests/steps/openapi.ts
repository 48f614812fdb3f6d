/**
 * Validates HTTP responses against the committed OpenAPI document (contracts/openapi.json): the
 * shared `http` step calls it on every e2e response, so the document and the API can never drift.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const DOCUMENT = path.resolve(__dirname, '..', '..', 'contracts', 'openapi.json');

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

let loaded: { doc: Doc; ajv: Ajv2020 } | undefined;
const load = () => {
  if (loaded) return loaded;
  const doc = JSON.parse(fs.readFileSync(DOCUMENT, 'utf8')) as Doc;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document's own keywords are not schema keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi.json');
  loaded = { doc, ajv };
  return loaded;
};

/** The path template ("/orders/{orderId}") a concrete path ("/orders/abc") matches, if any. */
export const matchPath = (paths: string[], concrete: string): string | undefined => {
  const pathname = concrete.split('?')[0]!;
  return paths.find((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname));
};

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * What is wrong with a response according to the document: an undocumented path, method or
 * status, or a body that breaks the documented schema. Empty when it conforms.
 */
export const openApiViolations = (method: string, requestPath: string, status: number, body: unknown): string[] => {
  const { doc, ajv } = load();
  const template = matchPath(Object.keys(doc.paths), requestPath);
  if (!template) return [`${method} ${requestPath}: path not in the OpenAPI document`];
  const operation = doc.paths[template]![method.toLowerCase()];
  if (!operation) return [`${method} ${template}: method not in the OpenAPI document`];
  const response = operation.responses[String(status)] ?? operation.responses.default;
  if (!response) return [`${method} ${template}: status ${status} not documented`];
  if (!response.content) return [];
  const schemaRef = `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  const validate = ajv.getSchema(schemaRef);
  if (!validate) return [`${method} ${template} ${status}: no schema at ${schemaRef}`];
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${method} ${template} ${status}: ${e.instancePath || '(body)'} ${e.message}`);
};
