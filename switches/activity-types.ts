// The activity contracts of every switch type, for the workflow's activity proxies (types only):
// whatever the manifests in switches/registry.ts load (switches/activities.ts builds them).
import type { SwitchCredentialOptions } from './credentials.js';
import type { SWITCHES } from './registry.js';

type Manifest = (typeof SWITCHES)[number];
type FactoryOf<M> = M extends { activities?: () => Promise<infer F> } ? F : never;
type Factory<T> = FactoryOf<Extract<Manifest, { type: T }>>;
type Factories = FactoryOf<Manifest>;
type OptionsOf<F> = F extends (options: infer O) => unknown ? Omit<NonNullable<O>, keyof SwitchCredentialOptions> : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every switch activity, by name. */
export type SwitchActivities = Intersection<Factories extends (options: never) => infer A ? A : never>;

/** Each switch type's own activity options (beyond the worker's credentials), by type. */
export type SwitchTypeOptions = {
  [M in Manifest as [Factory<M['type']>] extends [never] ? never : M['type']]?: OptionsOf<Factory<M['type']>>;
};
