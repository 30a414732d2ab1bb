import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { checkPassword, minimumPasswordLength } from '../../src/domain/password-policy.js';

const common = new Set(['password', 'sunshine', 'iloveyou', 'correcthorse']);
const isCommon = (candidate: string) => common.has(candidate);

function rejection(password: string, personal: string[] = []): string {
  try {
    checkPassword(password, isCommon, personal);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.kind).toBe('validation');
    expect(error.details).toEqual({ field: 'password' });
    return error.message;
  }
  return 'accepted';
}

describe('password policy', () => {
  it('accepts a long phrase of unrelated words', () => {
    expect(rejection('violet-lantern-orbit-42')).toBe('accepted');
    expect(rejection('Tr0mbone Kettle Drift')).toBe('accepted');
  });

  it('requires at least 12 characters, counted as characters not UTF-16 units', () => {
    expect(minimumPasswordLength).toBe(12);
    expect(rejection('qwmx-47.Lpz')).toMatch(/at least 12 characters/);
    expect(rejection('qwmx-47.Lpzy')).toBe('accepted');
    // 11 emoji are 22 UTF-16 code units but only 11 characters.
    expect(rejection('🍎🍊🍋🍌🍉🍇🍓🫐🍒🍑🥭')).toMatch(/at least 12 characters/);
  });

  it('refuses common passwords, also with case changes and digits or symbols around them', () => {
    for (const password of ['Password12345!', 'Sunshine2024!!!', '!!!iloveyou2026', 'CORRECTHORSE']) {
      expect(rejection(password), password).toMatch(/too common/);
    }
  });

  it('refuses a repeated half and passwords with fewer than four distinct characters', () => {
    expect(rejection('qzx7!mqzx7!m')).toMatch(/too common/);
    expect(rejection('abcdabcdabcdab')).toBe('accepted');
    expect(rejection('aaaabbbbcccc')).toMatch(/too common/);
    expect(rejection('aaaabbbbccccd')).toBe('accepted');
  });

  it('refuses passwords containing the email name or display name (4+ characters), case-insensitively', () => {
    expect(rejection('my-Margaret-rocks-77', ['margaret'])).toMatch(/email or name/);
    expect(rejection('violet-lantern-orbit-42', ['ada'])).toBe('accepted');
    expect(rejection('violet-lantern-orbit-42', ['Orbit'])).toMatch(/email or name/);
  });
});
