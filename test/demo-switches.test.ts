// The demo's --switch choice (pure): which lab each value starts, and the refusals naming what is known.
import { describe, expect, it } from 'vitest';
import { DEMO_SWITCHES, demoLabKind } from '../scripts/demo-switches.js';

describe('npm run demo -- --switch', () => {
  it('maps each switch type to its lab', () => {
    expect(DEMO_SWITCHES.map((s) => demoLabKind(s, false))).toEqual(['dns', 'knot-dns', 'alb', 'route53', 'haproxy']);
    expect(demoLabKind('workflow', true)).toBe('app-router');
  });

  it('refuses an unknown type naming the known ones, and --app-router with another switch', () => {
    expect(() => demoLabKind('consul', false)).toThrow(
      '--switch consul: use one of workflow, dns, alb, route53, haproxy (workflow is the default)',
    );
    expect(() => demoLabKind('alb', true)).toThrow('--app-router switches over HTTP: leave out --switch alb');
  });
});
