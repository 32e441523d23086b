// The capability math behind `privileged_fallback`: bounding-set parsing, the names of missing
// capabilities, and the HostConfig that stands in for `privileged = true`.
import { describe, expect, it } from 'vitest';
import {
  CAPABILITY_NAMES,
  engineSecurityOptions,
  fallbackHostConfig,
  LAST_KNOWN_CAPABILITY,
  missingCapabilities,
  readCapabilityBoundingSet,
  readLastCapability,
} from '../../../src/executors/docker/privileged-fallback.js';

const ALL_41 = (1n << 41n) - 1n;
const status = (capBnd: string) => `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapBnd:\t${capBnd}\nCapAmb:\t0000000000000000\n`;

describe('the capability table', () => {
  it.each([
    [0, 'CHOWN'], [12, 'NET_ADMIN'], [21, 'SYS_ADMIN'], [24, 'SYS_RESOURCE'], [27, 'MKNOD'], [37, 'AUDIT_READ'], [39, 'BPF'], [40, 'CHECKPOINT_RESTORE'],
  ])('capability %i is %s (linux/capability.h)', (n, name) => {
    expect(CAPABILITY_NAMES[n]).toBe(name);
  });

  it('covers 0..40 without duplicates', () => {
    expect(CAPABILITY_NAMES).toHaveLength(41);
    expect(LAST_KNOWN_CAPABILITY).toBe(40);
    expect(new Set(CAPABILITY_NAMES).size).toBe(41);
  });
});

describe('readCapabilityBoundingSet', () => {
  it.each([
    ['000001ffffffffff', ALL_41],
    ['000001fffeffffff', ALL_41 & ~(1n << 24n)],
    ['00000000a80425fb', 0xa80425fbn],
    ['0000000000000000', 0n],
  ])('CapBnd %s', (hex, expected) => {
    expect(readCapabilityBoundingSet(status(hex))).toBe(expected);
  });

  it('throws on a status without CapBnd, so "unreadable" never reads as "no capabilities"', () => {
    expect(() => readCapabilityBoundingSet('Name:\tnode\n')).toThrow(/CapBnd/);
    expect(() => readCapabilityBoundingSet('CapBnd:\tnot-hex\n')).toThrow(/CapBnd/);
  });
});

describe('readLastCapability', () => {
  it.each([
    ['40\n', 40], ['37', 37], ['', 40], [null, 40], ['x', 40], ['-1', 40],
  ])('%j → %i', (text, expected) => {
    expect(readLastCapability(text)).toBe(expected);
  });
});

describe('missingCapabilities', () => {
  it.each<[string, bigint, number, string[]]>([
    ['a full set', ALL_41, 40, []],
    ['this sandbox (no CAP_SYS_RESOURCE)', 0x1fffeffffffn, 40, ['SYS_RESOURCE']],
    ['two holes', ALL_41 & ~(1n << 21n) & ~(1n << 39n), 40, ['SYS_ADMIN', 'BPF']],
    ['a kernel that ends at AUDIT_READ: newer capabilities are not "missing"', (1n << 38n) - 1n, 37, []],
    ['a kernel newer than the table: bits past 40 are ignored', (1n << 45n) - 1n, 44, []],
    ['an empty set, lastCap 2', 0n, 2, ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH']],
  ])('%s', (_, bnd, lastCap, expected) => {
    expect(missingCapabilities(bnd, lastCap)).toEqual(expected);
  });

  it('defaults lastCap to the table end', () => {
    expect(missingCapabilities(ALL_41 & ~(1n << 40n))).toEqual(['CHECKPOINT_RESTORE']);
    expect(missingCapabilities(0n)).toHaveLength(41);
  });
});

describe('fallbackHostConfig', () => {
  it('adds ALL, drops what the host lacks, lifts confinement and makes the cgroup tree writable', () => {
    expect(fallbackHostConfig(0x1fffeffffffn, 40)).toEqual({
      CapAdd: ['ALL'],
      CapDrop: ['SYS_RESOURCE'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined'],
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
    });
  });

  it('drops nothing on a host with every capability', () => {
    expect(fallbackHostConfig(ALL_41).CapDrop).toEqual([]);
  });

  it('returns fresh arrays (callers merge their own options into them)', () => {
    const a = fallbackHostConfig(ALL_41);
    a.SecurityOpt.push('label=disable');
    expect(fallbackHostConfig(ALL_41).SecurityOpt).toHaveLength(3);
  });
});

describe('engineSecurityOptions', () => {
  it('turns the CLI-only systempaths=unconfined into empty masked and read-only path lists', () => {
    expect(engineSecurityOptions(['seccomp=unconfined', 'systempaths=unconfined'])).toEqual({ SecurityOpt: ['seccomp=unconfined'], MaskedPaths: [], ReadonlyPaths: [] });
  });

  it('leaves other options alone', () => {
    expect(engineSecurityOptions(['no-new-privileges'])).toEqual({ SecurityOpt: ['no-new-privileges'] });
    expect(engineSecurityOptions([])).toEqual({ SecurityOpt: [] });
  });
});
