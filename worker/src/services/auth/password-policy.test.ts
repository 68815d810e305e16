import { describe, expect, it } from 'vitest';
import { commonPasswords, decodeFrontCoded, frontCode } from './common-passwords';
import { unshift } from './generate-common-passwords';
import { passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('front-coding round-trips (digits, shared prefixes longer than 9, empty rest)', () => {
    const words = ['1234', '123456', '1234567890abc', '1234567890abcd', 'password', 'password', 'pass'];
    expect(decodeFrontCoded(frontCode(words))).toEqual([...words].sort());
  });

  it('ships the 10 000-entry list, sorted (it compresses better in the Worker bundle)', () => {
    const words = commonPasswords();
    expect(words).toHaveLength(10_000);
    expect(words).toEqual([...words].sort());
    expect(words).toEqual(expect.arrayContaining(['password', '123456', '12345678']));
    expect(unshift('ufxxbtwi')).toBe('password');
  });

  it.each([
    ['short1!', 'at least 12'],
    ['x'.repeat(257), 'at most 256'],
    ['masturbation', 'too common'],
    ['Password1234', 'too common'],
    ['!!dragon2024!!', 'too common'],
    ['dragondragon', 'too common'],
    ['monkeydragon', 'too common'],
    ['qwertyuiopas', 'simple sequence'],
    ['123456789012', 'simple sequence'],
    ['abcdefghijklm', 'simple sequence'],
    ['aaaaaaaaaaaa', 'too common'],
    ['zhangwei.trader-2024', 'email'],
  ])('refuses %s', (pw, reason) => {
    expect(passwordProblem(pw, 'zhangwei.trader@example.com')).toContain(reason);
  });

  it.each([
    'correct horse battery staple',
    'Tr0ub4dor&3-plus-more',
    '黄河远上白云间一片孤城万仞山',
    'glacier-paprika-lantern',
  ])('accepts %s', (pw) => {
    expect(passwordProblem(pw, 'someone@example.com')).toBeUndefined();
  });
});
