// What `bluegreen init` needs to know, from flags or, on a terminal, from questions; each answer
// checked with the config's own field rules, so a bad flag gets the sentence `validate` would give.
import { createInterface, type Interface } from 'node:readline';
import { checkedBy, httpUrl, name, workflowFile } from '../../config/fields.js';
import { andList } from '../../contract/format.js';
import type { SwitchInitAnswers } from '../../switches/switch-type.js';
import { badInput } from '../errors.js';
import { DEFAULT_INIT_SWITCH, INIT_SWITCH_FLAGS, INIT_SWITCHES, NOT_OFFERED, type InitSwitch } from './switch-types.js';

export interface InitFlags {
  repo?: string;
  githubUrl?: string;
  service?: string;
  greenBranch?: string;
  blueBranch?: string;
  publicUrl?: string;
  colorPath?: string;
  greenUrl?: string;
  blueUrl?: string;
  deployWorkflowGreen?: string;
  deployWorkflowBlue?: string;
  switch?: string;
  approvers?: string;
  /** false with --no-approval. */
  approval?: boolean;
  /** false with --no-input: never ask, even on a terminal. */
  input?: boolean;
}

export interface InitAnswers {
  owner: string;
  repo: string;
  /** Absent: api.github.com. */
  githubUrl?: string;
  service: string;
  branches: { green: string; blue: string };
  publicUrl: string;
  colorPath: string;
  urls: { green: string; blue: string };
  deployWorkflows: { green?: string; blue?: string };
  /** The switch type init writes, with its flags' answers. */
  switch: InitSwitch & { answers: SwitchInitAnswers };
  /** Empty with approval off. */
  approvers: string[];
  approval: boolean;
}

export const GITHUB_API = 'https://api.github.com';

/** One answer: its flag, the question, a default, and the rule that checks it (a message, or the cleaned value). */
interface Field {
  flag: string;
  question: string;
  fallback?: string;
  check: (value: string) => string;
}

const repoRule = (value: string) => {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value)) throw new Error('expected owner/name, like "datatruck/backend"');
  return value;
};
const serviceRule = (value: string) => {
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(value))
    throw new Error('service names are lowercase letters, digits, ".", "_" and "-" (at most 63), like "datatruck-api"');
  return value;
};
const pathRule = (value: string) => {
  if (!value.startsWith('/')) throw new Error('the path must start with "/"');
  return value;
};
const loginsRule = (value: string) => {
  const logins = value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = logins.find((login) => !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9_.-]+)?$/.test(login));
  if (bad !== undefined) throw new Error(`"${bad}" is not a GitHub login or org/team`);
  if (logins.length === 0) throw new Error('name at least one approver, or pass --no-approval');
  return logins.join(',');
};
const offered = INIT_SWITCHES.map((s) => s.type);
const switchRule = (value: string) => {
  if (!offered.includes(value))
    throw new Error(
      `init writes the ${andList(offered)} switches` +
        (NOT_OFFERED.length > 0
          ? `; for the ${andList(NOT_OFFERED)} type${NOT_OFFERED.length === 1 ? '' : 's'}, write the ${DEFAULT_INIT_SWITCH.type} one and change the switch section after (docs/switches.md)`
          : ''),
    );
  return value;
};

const url = checkedBy(httpUrl);
const branch = checkedBy(name('branch name'));
const file = checkedBy(workflowFile);

/** A switch type's flag as commander parsed it (the options carry every registered type's flags). */
const switchFlag = (flags: InitFlags, attribute: string): string | undefined => {
  const value = (flags as Record<string, unknown>)[attribute];
  return typeof value === 'string' ? value : undefined;
};

/** Asks on the terminal (interactive) or only checks the flags; collects every missing or bad flag for one error. */
class Asker {
  private readonly problems: string[] = [];
  private rl: Interface | undefined;
  private lines: AsyncIterator<string> | undefined;
  constructor(private readonly interactive: boolean) {}

  async get(given: string | undefined, field: Field): Promise<string | undefined> {
    if (given !== undefined) {
      try {
        return field.check(given);
      } catch (err) {
        this.problems.push(`${field.flag} "${given}": ${(err as Error).message}`);
        return undefined;
      }
    }
    if (!this.interactive) {
      if (field.fallback !== undefined) return field.check(field.fallback);
      this.problems.push(`${field.flag} is required (${field.question.toLowerCase()})`);
      return undefined;
    }
    for (;;) {
      const hint = field.fallback !== undefined ? ` [${field.fallback}]` : '';
      const answer = (await this.line(`${field.question}${hint}: `)).trim() || field.fallback;
      if (answer === undefined) continue;
      try {
        return field.check(answer);
      } catch (err) {
        process.stdout.write(`  ${(err as Error).message}\n`);
      }
    }
  }

  reject(flag: string, given: string, message: string): void {
    this.problems.push(`${flag} "${given}": ${message}`);
  }

  async confirm(question: string): Promise<boolean> {
    return /^y(es)?$/i.test((await this.line(`${question} [y/N]: `)).trim());
  }

  /** The next line typed (or pasted: lines that arrive before their question wait for it). */
  private async line(prompt: string): Promise<string> {
    this.rl ??= createInterface({ input: process.stdin, output: process.stdout, terminal: false });
    this.lines ??= this.rl[Symbol.asyncIterator]();
    process.stdout.write(prompt);
    const next = await this.lines.next();
    if (next.done) throw badInput('bluegreen init: the input ended before every question was answered');
    return next.value;
  }

  finish(): void {
    if (this.problems.length > 0) {
      const tail = this.interactive ? '' : ' (no terminal to ask on: pass them as flags; see `bluegreen init --help`)';
      throw badInput(`bluegreen init: ${this.problems.join('; ')}${tail}`);
    }
  }

  close(): void {
    this.rl?.close();
  }
}

export const isInteractive = (flags: InitFlags): boolean =>
  flags.input !== false && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);

export async function initAnswers(flags: InitFlags, interactive: boolean): Promise<{ answers: InitAnswers; asker: Asker }> {
  const ask = new Asker(interactive);
  const repoFull = await ask.get(flags.repo, { flag: '--repo', question: 'Repository (owner/name)', check: repoRule });
  const [owner = '', repo = ''] = (repoFull ?? '').split('/');
  const githubUrl = await ask.get(flags.githubUrl, {
    flag: '--github-url',
    question: 'GitHub API root (GitHub Enterprise Server: https://HOST/api/v3)',
    fallback: GITHUB_API,
    check: url,
  });
  const serviceFallback =
    repo
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
      .replace(/^[^a-z0-9]+/, '') || undefined;
  const service = await ask.get(flags.service, {
    flag: '--service',
    question: 'Service name',
    ...(serviceFallback ? { fallback: serviceFallback } : {}),
    check: serviceRule,
  });
  const greenBranch = await ask.get(flags.greenBranch, {
    flag: '--green-branch',
    question: 'Branch of the green color',
    fallback: 'green',
    check: branch,
  });
  const blueBranch = await ask.get(flags.blueBranch, {
    flag: '--blue-branch',
    question: 'Branch of the blue color',
    fallback: 'blue',
    check: branch,
  });
  const publicUrl = await ask.get(flags.publicUrl, {
    flag: '--public-url',
    question: 'Public URL (where users reach the live color)',
    check: url,
  });
  const colorPath = await ask.get(flags.colorPath, {
    flag: '--color-path',
    question: 'Color endpoint path (answers {"color":"blue"})',
    fallback: '/deployment/color/',
    check: pathRule,
  });
  const greenUrl = await ask.get(flags.greenUrl, { flag: '--green-url', question: "Green environment's own URL", check: url });
  const blueUrl = await ask.get(flags.blueUrl, { flag: '--blue-url', question: "Blue environment's own URL", check: url });
  const switchType = await ask.get(flags.switch, {
    flag: '--switch',
    question: `How traffic moves (${offered.join(' or ')})`,
    fallback: DEFAULT_INIT_SWITCH.type,
    check: switchRule,
  });
  const chosen = INIT_SWITCHES.find((s) => s.type === switchType);
  // Another type's flag is refused; the flags of a type init does not know are not judged.
  const ownFlags = INIT_SWITCH_FLAGS.filter((f) => chosen && f.types.includes(chosen.type));
  for (const f of INIT_SWITCH_FLAGS) {
    const given = switchFlag(flags, f.attribute);
    if (chosen && !ownFlags.includes(f) && given !== undefined)
      ask.reject(f.long, given, `goes with --switch ${f.types.join(' or ')}`);
  }
  const switchAnswers: Record<string, string | undefined> = {};
  for (const { flag, long, attribute } of ownFlags)
    if (flag.question !== undefined)
      switchAnswers[long] = await ask.get(switchFlag(flags, attribute), {
        flag: long,
        question: flag.question,
        ...(flag.fallback === 'blue-branch' && blueBranch ? { fallback: blueBranch } : {}),
        check: flag.check,
      });
  const checkFile = async (given: string | undefined, flag: string) =>
    given === undefined ? undefined : ask.get(given, { flag, question: '', check: file });
  const deployGreen = await checkFile(flags.deployWorkflowGreen, '--deploy-workflow-green');
  const deployBlue = await checkFile(flags.deployWorkflowBlue, '--deploy-workflow-blue');
  // A flag without a question names what init would otherwise find (e.g. the switch workflow's file).
  for (const { flag, long, attribute } of ownFlags) {
    const given = switchFlag(flags, attribute);
    if (flag.question === undefined && given !== undefined)
      switchAnswers[long] = await ask.get(given, { flag: long, question: '', check: flag.check });
  }
  let approvers: string[] = [];
  const approval = flags.approval !== false;
  if (approval) {
    const list = await ask.get(flags.approvers, {
      flag: '--approvers',
      question: 'Who approves a deployment before traffic moves (GitHub logins or org/team, comma-separated)',
      check: loginsRule,
    });
    approvers = list ? list.split(',') : [];
  } else if (flags.approvers !== undefined) ask.reject('--approvers', flags.approvers, 'cannot go with --no-approval');
  ask.finish();
  const answers: InitAnswers = {
    owner,
    repo,
    ...(githubUrl && githubUrl !== GITHUB_API ? { githubUrl } : {}),
    service: service!,
    branches: { green: greenBranch!, blue: blueBranch! },
    publicUrl: publicUrl!,
    colorPath: colorPath!,
    urls: { green: greenUrl!, blue: blueUrl! },
    deployWorkflows: { ...(deployGreen ? { green: deployGreen } : {}), ...(deployBlue ? { blue: deployBlue } : {}) },
    switch: { ...chosen!, answers: switchAnswers },
    approvers,
    approval,
  };
  return { answers, asker: ask };
}

export type { Asker };
