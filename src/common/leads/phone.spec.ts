import { normalizeLeadPhone, normalizeVietnamesePhone } from './phone';

describe('normalizeLeadPhone', () => {
  it.each([
    ['0912345678', '84912345678'],
    ['0912 345 678', '84912345678'],
    ['091.234.5678', '84912345678'],
    ['091-234-5678', '84912345678'],
    ['+84 912 345 678', '84912345678'],
    ['0084912345678', '84912345678'],
    ['84912345678', '84912345678'],
    ['(028) 7300 1234', '842873001234'],
    ['+65 6123 4567', '6561234567'],
    ['+1 (415) 555-0100', '14155550100'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeLeadPhone(input)).toBe(expected);
  });

  it.each([
    '',
    'abc',
    '12345',
    '091234567',
    '09123456789',
    '84123456789',
    '+84 1234',
    '+0912345678',
    '0912345678x',
    '+1234567890123456',
  ])('rejects %j', (input) => {
    expect(normalizeLeadPhone(input)).toBeNull();
  });
});

describe('normalizeVietnamesePhone', () => {
  it.each([
    ['0912345678', '84912345678'],
    ['0912 345 678', '84912345678'],
    ['0912.345.678', '84912345678'],
    ['0912-345-678', '84912345678'],
    ['+84912345678', '84912345678'],
    ['+84 912 345 678', '84912345678'],
    ['0084 912 345 678', '84912345678'],
    ['84912345678', '84912345678'],
    ['84 987-654-321', '84987654321'],
    ['0351234567', '84351234567'],
    ['(028) 7300 1234', '842873001234'],
    ['+84 28 7300 1234', '842873001234'],
    ['  0912345678  ', '84912345678'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeVietnamesePhone(input)).toBe(expected);
  });

  it.each([
    '',
    'not a phone',
    '912345678',
    '091234567',
    '09123456789',
    '0112345678',
    '84112345678',
    '+6561234567',
    '+84 912 345 67',
    '0912_345_678',
    '0912345678 ext 2',
  ])('rejects %j', (input) => {
    expect(normalizeVietnamesePhone(input)).toBeNull();
  });
});

describe('the two rules agree on Vietnamese numbers', () => {
  it.each(['0912345678', '+84 28 7300 1234', '0084 912 345 678', '84112345678', '0112345678'])(
    '%j',
    (input) => {
      const vietnamese = normalizeVietnamesePhone(input);
      expect(normalizeLeadPhone(input)).toBe(vietnamese);
    },
  );

  it('only the lead rule accepts a foreign number', () => {
    expect(normalizeVietnamesePhone('+65 6123 4567')).toBeNull();
    expect(normalizeLeadPhone('+65 6123 4567')).toBe('6561234567');
  });
});
