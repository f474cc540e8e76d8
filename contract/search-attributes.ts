// The four Keyword search attributes the Web UI list filters on: their names are spelled here
// only (the worker registers them, the dev servers are started with them, the CLI lists by them).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SEARCH_ATTRIBUTES = ['BlueGreenService', 'BlueGreenPhase', 'BlueGreenTargetColor', 'BlueGreenOutcome'] as const;
const [SERVICE, PHASE, TARGET_COLOR, OUTCOME] = SEARCH_ATTRIBUTES;

export const BlueGreenService = defineSearchAttributeKey(SERVICE, SearchAttributeType.KEYWORD);
export const BlueGreenPhase = defineSearchAttributeKey(PHASE, SearchAttributeType.KEYWORD);
export const BlueGreenTargetColor = defineSearchAttributeKey(TARGET_COLOR, SearchAttributeType.KEYWORD);
export const BlueGreenOutcome = defineSearchAttributeKey(OUTCOME, SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTE_KEYS = [BlueGreenService, BlueGreenPhase, BlueGreenTargetColor, BlueGreenOutcome];

export const searchAttribute = {
  service: (value: string) => ({ key: BlueGreenService, value }),
  phase: (value: string) => ({ key: BlueGreenPhase, value }),
  targetColor: (value: string) => ({ key: BlueGreenTargetColor, value }),
  outcome: (value: string) => ({ key: BlueGreenOutcome, value }),
};
