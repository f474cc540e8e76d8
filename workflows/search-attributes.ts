// Typed keys of the four Keyword search attributes the Web UI list filters on.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const BlueGreenService = defineSearchAttributeKey('BlueGreenService', SearchAttributeType.KEYWORD);
export const BlueGreenPhase = defineSearchAttributeKey('BlueGreenPhase', SearchAttributeType.KEYWORD);
export const BlueGreenTargetColor = defineSearchAttributeKey('BlueGreenTargetColor', SearchAttributeType.KEYWORD);
export const BlueGreenOutcome = defineSearchAttributeKey('BlueGreenOutcome', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTE_KEYS = [BlueGreenService, BlueGreenPhase, BlueGreenTargetColor, BlueGreenOutcome];

export const searchAttribute = {
  service: (value: string) => ({ key: BlueGreenService, value }),
  phase: (value: string) => ({ key: BlueGreenPhase, value }),
  targetColor: (value: string) => ({ key: BlueGreenTargetColor, value }),
  outcome: (value: string) => ({ key: BlueGreenOutcome, value }),
};
