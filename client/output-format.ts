// `-o text|json|jsonl` (the Temporal CLI's names; `table` is text too) and `--json`, its alias.

export type OutputFormat = 'text' | 'json' | 'jsonl';
export const OUTPUT_CHOICES = ['text', 'table', 'json', 'jsonl'] as const;

export interface OutputFlags {
  json?: boolean;
  output?: (typeof OUTPUT_CHOICES)[number];
}

/** The format asked for: `-o` when given, else json with `--json`, else text. */
export function outputFormat(flags: OutputFlags): OutputFormat {
  if (flags.output === 'json' || flags.output === 'jsonl') return flags.output;
  if (flags.output === 'text' || flags.output === 'table') return 'text';
  return flags.json ? 'json' : 'text';
}

/** A list printed as one JSON array (json) or one object per line (jsonl). */
export function printJsonList(rows: unknown[], format: 'json' | 'jsonl'): void {
  if (format === 'json') console.log(JSON.stringify(rows));
  else for (const row of rows) console.log(JSON.stringify(row));
}
