// A notification as CloudEvents 1.0 attributes and data, for the generic webhook (structured
// mode: the whole event is the JSON body). `id` is the event's dedupe key: the same on every
// retry, so a consumer that remembers ids (per `source`, as the spec says) acts once per event.
// Pure: the activity hands these to the `cloudevents` library, which validates and serialises.
import { eventKey, type NotificationEvent } from '../../contract/notify-events.js';
import type { NotificationMessage } from '../message.js';

export const CLOUDEVENT_TYPE_PREFIX = 'dev.bluegreen.deployment.';

export interface CloudEventFields {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export function cloudEventFields(event: NotificationEvent, message: NotificationMessage): CloudEventFields {
  // The free text goes out as the message has it (one clean line), never as it came in.
  const { type, detail: _untrusted, ...rest } = event;
  return {
    specversion: '1.0',
    id: eventKey(event),
    source: `/bluegreen/${encodeURIComponent(event.service)}`,
    type: `${CLOUDEVENT_TYPE_PREFIX}${type}`,
    subject: event.deploymentId,
    time: event.at,
    datacontenttype: 'application/json',
    // The event's fields for machines (names and ids are checked where they enter; the detail is
    // the message's one clean line), and the rendered words and links for people.
    data: {
      event: type,
      ...rest,
      title: message.title,
      ...(message.detail ? { detail: message.detail, text: message.detail } : {}),
      links: message.links,
    },
  };
}
