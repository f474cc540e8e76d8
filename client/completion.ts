// `bluegreen completion bash|zsh|fish`: a completion script generated from the command table
// (cli.ts), so a new command or flag completes without anyone editing a script.

export interface CompletionOption {
  /** e.g. ['-c', '--config'] */
  flags: string[];
  description: string;
  takesValue: boolean;
  /** Values offered after the flag, e.g. blue green. */
  choices?: string[];
  /** The value is a file path. */
  file?: boolean;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Descriptions go inside quotes and brackets: keep them to characters no shell reads. */
const plain = (text: string) =>
  text
    .replace(/:/g, ',')
    .replace(/'/g, '’')
    .replace(/["`\\[\]\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

export function completionScript(shell: Shell, program: string, commands: CompletionCommand[]): string {
  if (shell === 'bash') return bash(program, commands);
  if (shell === 'zsh') return zsh(program, commands);
  return fish(program, commands);
}

function bash(program: string, commands: CompletionCommand[]): string {
  const fn = `_${program.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const valueCases = commands.flatMap((c) =>
    c.options
      .filter((o) => o.choices)
      .map(
        (o) =>
          `    "${c.name} ${o.flags.join(`"|"${c.name} `)}") COMPREPLY=($(compgen -W "${o.choices!.join(' ')}" -- "$cur")); return ;;`,
      ),
  );
  const flagCases = commands.map(
    (c) => `    ${c.name}) COMPREPLY=($(compgen -W "${c.options.flatMap((o) => o.flags).join(' ')}" -- "$cur")) ;;`,
  );
  return [
    `# bash completion for ${program}: eval "$(${program} completion bash)" (e.g. in ~/.bashrc)`,
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="${COMP_WORDS[1]}"',
    '  COMPREPLY=()',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur"))`,
    '    return',
    '  fi',
    '  case "$cmd $prev" in',
    ...valueCases,
    '  esac',
    '  [[ "$cur" == -* ]] || return',
    '  case "$cmd" in',
    ...flagCases,
    '  esac',
    '}',
    `complete -o default -F ${fn} ${program}`,
    '',
  ].join('\n');
}

function zsh(program: string, commands: CompletionCommand[]): string {
  const fn = `_${program.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const spec = (o: CompletionOption) => {
    const action = o.choices ? `:value:(${o.choices.join(' ')})` : o.file ? ':file:_files' : o.takesValue ? ':value: ' : '';
    const body = `'[${plain(o.description)}]${action}'`;
    return o.flags.length > 1 ? `'(${o.flags.join(' ')})'{${o.flags.join(',')}}${body}` : `${o.flags[0]!}${body}`;
  };
  return [
    `#compdef ${program}`,
    `# zsh completion for ${program}: eval "$(${program} completion zsh)" (e.g. in ~/.zshrc, after compinit)`,
    `${fn}() {`,
    '  local -a commands',
    '  commands=(',
    ...commands.map((c) => `    '${c.name}:${plain(c.description)}'`),
    '  )',
    '  if (( CURRENT == 2 )); then',
    "    _describe 'command' commands",
    '    return',
    '  fi',
    '  local cmd=$words[2]',
    '  shift words; (( CURRENT-- ))',
    '  case $cmd in',
    ...commands.map((c) => `    ${c.name}) _arguments ${c.options.map(spec).join(' ')} '*:argument: ' ;;`),
    '  esac',
    '}',
    `compdef ${fn} ${program}`,
    '',
  ].join('\n');
}

function fish(program: string, commands: CompletionCommand[]): string {
  const lines = [
    `# fish completion for ${program}: ${program} completion fish > ~/.config/fish/completions/${program}.fish`,
    `complete -c ${program} -f`,
    ...commands.map((c) => `complete -c ${program} -n __fish_use_subcommand -a ${c.name} -d '${plain(c.description)}'`),
  ];
  for (const c of commands) {
    for (const o of c.options) {
      const names = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
      const value = o.choices ? ` -x -a '${o.choices.join(' ')}'` : o.file ? ' -r -F' : o.takesValue ? ' -x' : '';
      lines.push(
        `complete -c ${program} -n '__fish_seen_subcommand_from ${c.name}' ${names}${value} -d '${plain(o.description)}'`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
