// The switch types `bluegreen init` offers: every registered type whose client part has an init
// part (switches/<type>/client.ts), in registry order, the first the default; and their flags on
// the `init` command. Loaded only when init runs (or its help, or completion): it loads every
// switch's client part.
import { Option, type Command } from 'commander';
import { SWITCH_TYPES, switchOf } from '../../switches/client.js';
import type { SwitchInit, SwitchInitFlag } from '../../switches/switch-type.js';

export interface InitSwitch {
  type: string;
  init: SwitchInit;
}

export const INIT_SWITCHES: readonly InitSwitch[] = SWITCH_TYPES.flatMap((type) => {
  const { init } = switchOf(type);
  return init ? [{ type, init: init as SwitchInit }] : [];
});

/** The registered types init does not write. */
export const NOT_OFFERED: readonly string[] = SWITCH_TYPES.filter((type) => !INIT_SWITCHES.some((s) => s.type === type));

/** `--switch`'s default: the first type offered. */
export const DEFAULT_INIT_SWITCH = INIT_SWITCHES[0]!;

/** One flag of the offered types, once (types may share one), with the types it goes with. */
export interface InitSwitchFlag {
  flag: SwitchInitFlag;
  /** `--router-url`. */
  long: string;
  /** Where commander puts its value: `routerUrl`. */
  attribute: string;
  types: string[];
}

export const INIT_SWITCH_FLAGS: readonly InitSwitchFlag[] = INIT_SWITCHES.flatMap(({ init }) => init.flags).reduce<
  InitSwitchFlag[]
>((list, flag) => {
  const option = new Option(flag.flags);
  const types = INIT_SWITCHES.filter(({ init }) => init.flags.some((f) => new Option(f.flags).long === option.long));
  if (!list.some((f) => f.long === option.long))
    list.push({ flag, long: option.long!, attribute: option.attributeName(), types: types.map((s) => s.type) });
  return list;
}, []);

/** Adds `--switch` and the offered types' flags to the init command, where `--approvers` was to come. */
export function addInitSwitchOptions(init: Command): void {
  if (init.options.some((o) => o.long === '--switch')) return;
  const added = [
    new Option(
      '--switch <type>',
      `how traffic moves: ${INIT_SWITCHES.map((s) => s.init.label).join(' or ')} (default: ${DEFAULT_INIT_SWITCH.type})`,
    ),
    ...INIT_SWITCH_FLAGS.map(({ flag }) => new Option(flag.flags, flag.description)),
  ];
  for (const option of added) init.addOption(option);
  const options = init.options as Option[];
  options.splice(options.length - added.length, added.length);
  const at = options.findIndex((o) => o.long === '--approvers');
  options.splice(at < 0 ? options.length : at, 0, ...added);
}
