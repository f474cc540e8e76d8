// A Teams-compatible webhook receiver, modelled on a Workflows "When a Teams webhook request is
// received" trigger: it answers 202 Accepted to any JSON on its URL and runs the flow afterwards,
// so a message the flow cannot post is not refused in the answer: it is recorded as `problem`
// with the error the flow's run history shows ("attachments ... is of type 'Null'", "Property
// 'type' must be 'AdaptiveCard'"). An unknown URL answers 404, a body that is not JSON 400.
import type { IncomingMessage } from 'node:http';
import { isRecord } from '../http.js';
import { RecordingReceiver, type Answer } from './receiver.js';

export const LAB_TEAMS_HOOK_PATH = '/workflows/lab0000/triggers/manual/paths/invoke';

const json = (status: number, code: string, message: string): Answer => ({
  status,
  body: JSON.stringify({ error: { code, message } }),
  contentType: 'application/json; charset=utf-8',
});

export class TeamsReceiver extends RecordingReceiver {
  constructor() {
    super('teams');
  }

  get hookUrl(): string {
    return `${this.url}${LAB_TEAMS_HOOK_PATH}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=lab`;
  }

  protected answer(req: IncomingMessage, _body: string, parsed: unknown): Answer {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== LAB_TEAMS_HOOK_PATH) {
      return json(404, 'WorkflowNotFound', 'The workflow could not be found.');
    }
    if (parsed === undefined) return json(400, 'InvalidRequestContent', 'The request content is not valid JSON.');
    const card = cardOf(parsed);
    const accepted: Answer = { status: 202, body: '' };
    if (typeof card === 'string') return { ...accepted, record: { problem: card } };
    const first = Array.isArray(card['body']) ? card['body'][0] : undefined;
    return { ...accepted, record: { title: isRecord(first) ? String(first['text']) : '' } };
  }
}

/** The Adaptive Card the flow would post, or the error its run would fail with. */
function cardOf(message: unknown): Record<string, unknown> | string {
  const attachments = isRecord(message) ? message['attachments'] : undefined;
  if (!Array.isArray(attachments)) {
    return "The execution of template action 'Send_each_adaptive_card' failed: the result of the evaluation of 'foreach' expression '@triggerOutputs()?['body']?['attachments']' is of type 'Null'.";
  }
  const first: unknown = attachments[0];
  const content = isRecord(first) ? first['content'] : undefined;
  if (!isRecord(first) || first['contentType'] !== 'application/vnd.microsoft.card.adaptive' || !isRecord(content)) {
    return 'The specified Teams flowbot adaptive card request is missing or invalid.';
  }
  if (content['type'] !== 'AdaptiveCard') return "Property 'type' must be 'AdaptiveCard'";
  return content;
}
