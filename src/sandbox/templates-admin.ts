/** GET/POST /_sandbox/templates: the sandbox's template registry, read and changed by scripts in other processes. */
import { RequestError } from './http.js';
import type { AdminHandler, RouteContext } from './route-types.js';
import { isRecord } from './sandbox-payloads.js';
import { checkTemplates, upsertTemplates } from './templates.js';

export function templateAdminRoutes({ state, responder, log }: RouteContext): Array<[string, AdminHandler]> {
  return [
    ['GET /_sandbox/templates', ({ response }) => responder.reply(response, 200, { templates: state.behaviour.templates })],
    [
      // {"templates":[…]} puts these in place of the entries of the same name and language (new ones added);
      // with "replace": true they become the whole registry.
      'POST /_sandbox/templates',
      ({ body, response }) => {
        if (!isRecord(body) || !Array.isArray(body.templates)) throw new RequestError(400, 'body must be {"templates":[…][,"replace":true]}');
        checkTemplates(body.templates);
        const templates = body.replace === true ? body.templates : upsertTemplates(state.behaviour.templates, body.templates);
        state.configure({ templates });
        log(`templates: ${body.templates.length} ${body.replace === true ? 'replaced the registry' : 'added or changed'}`);
        responder.reply(response, 200, { templates: state.behaviour.templates });
      },
    ],
  ];
}
