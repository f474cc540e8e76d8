// A Slack-compatible incoming-webhook receiver. It answers as Slack does
// (api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks, and Slack's
// "Sending messages using incoming webhooks" guide): 200 `ok`; 400 `invalid_payload` for a body
// that is not JSON, `no_text` for a message without text or blocks, `invalid_blocks` for blocks
// Slack would refuse; 404 `no_service` for a hook URL that does not exist (or was disabled).
import type { IncomingMessage } from 'node:http';
import { isRecord } from '../http.js';
import { RecordingReceiver, type Answer } from './receiver.js';

/** The one hook this receiver knows, in the shape of Slack's URLs. */
export const LAB_SLACK_HOOK_PATH = '/services/TLAB00000/BLAB00000/labhooksecret0000';

const text = (status: number, body: string): Answer => ({ status, body, contentType: 'text/html' });

export class SlackReceiver extends RecordingReceiver {
  constructor() {
    super('slack');
  }

  /** The incoming-webhook URL to give a channel. */
  get hookUrl(): string {
    return `${this.url}${LAB_SLACK_HOOK_PATH}`;
  }

  protected answer(req: IncomingMessage, body: string, json: unknown): Answer {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== LAB_SLACK_HOOK_PATH) return text(404, 'no_service');
    if (!isRecord(json)) return text(400, 'invalid_payload');
    const blocks = json['blocks'];
    if (typeof json['text'] !== 'string' && blocks === undefined && json['attachments'] === undefined)
      return text(400, 'no_text');
    if (blocks !== undefined) {
      const problem = blocksProblem(blocks);
      if (problem) return { ...text(400, 'invalid_blocks'), record: { problem } };
    }
    const header = Array.isArray(blocks) ? blocks.find((b) => isRecord(b) && b['type'] === 'header') : undefined;
    const title = isRecord(header) && isRecord(header['text']) ? String(header['text']['text']) : String(json['text'] ?? '');
    return { ...text(200, 'ok'), record: { title } };
  }
}

/** The Block Kit rules a notification could break (Slack's documented limits). */
function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks) || blocks.length > 50) return 'blocks must be a list of at most 50';
  for (const [i, block] of blocks.entries()) {
    if (!isRecord(block) || typeof block['type'] !== 'string') return `blocks[${i}] has no type`;
    const t = block['text'];
    if (block['type'] === 'header' && (!isRecord(t) || t['type'] !== 'plain_text' || String(t['text']).length > 150)) {
      return `blocks[${i}]: a header is plain_text of at most 150 characters`;
    }
    const fields = block['fields'];
    if (Array.isArray(fields) && fields.length > 10) return `blocks[${i}]: at most 10 fields`;
    const elements = block['elements'];
    if (block['type'] === 'actions' && (!Array.isArray(elements) || elements.length > 25))
      return `blocks[${i}]: 1 to 25 elements`;
    if (Array.isArray(elements)) {
      for (const el of elements) {
        if (isRecord(el) && el['type'] === 'button' && typeof el['url'] === 'string' && !/^https?:\/\//.test(el['url'])) {
          return `blocks[${i}]: a button url must be http(s)`;
        }
      }
    }
  }
  return undefined;
}
