// A text table whose columns are as wide as their widest cell: nothing is cut, nothing runs
// into the next column. Widths count characters as a terminal shows them (→, ↺ are one column;
// color codes none).

export interface Column<Row> {
  header: string;
  cell: (row: Row) => string;
  /** Numbers and durations read best right-aligned. @default 'left' */
  align?: 'left' | 'right';
}

/** Two spaces between columns, as `gh` and `kubectl` print them. */
const GAP = '  ';

const ANSI = /\x1b\[[0-9;]*m/g;
const width = (text: string): number => [...text.replace(ANSI, '')].length;
const pad = (text: string, to: number, align: 'left' | 'right' = 'left'): string => {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return align === 'right' ? fill + text : text + fill;
};

/** The table as lines: a header row, then one row per item; trailing spaces trimmed. */
export function renderTable<Row>(columns: Column<Row>[], rows: Row[]): string[] {
  const cells = rows.map((row) => columns.map((c) => oneLine(c.cell(row))));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i]!))));
  const line = (values: string[]) =>
    values
      .map((v, i) => pad(v, widths[i]!, columns[i]!.align))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

/** A cell is one line: a newline or tab in a name must not break the table's shape. */
const oneLine = (text: string): string => text.replace(/[\t\r\n]+/g, ' ');
