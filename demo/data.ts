import { randomInt } from 'node:crypto';

/** Random picks and realistic Vietnamese sample data for the simulators. */

export function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)];
}

/** A whole number in [min, max]. */
export function between(min: number, max: number): number {
  return min + randomInt(max - min + 1);
}

/** Picks by weight: `[[value, weight], ...]`. */
export function weighted<T>(choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let roll = Math.random() * total;
  for (const [value, w] of choices) {
    roll -= w;
    if (roll < 0) return value;
  }
  return choices[choices.length - 1][0];
}

/**
 * A simulator's mix of kinds of call: the first ones go through `script` in turn (so every kind
 * shows up within seconds of the start), the later ones are picked by their weight (every kind has
 * one).
 */
export function callMix<T extends string>(
  script: readonly T[],
  weights: Record<T, number>,
): (scripted: boolean, index: number) => T {
  const choices = Object.entries(weights) as [T, number][];
  return (scripted, index) => (scripted ? script[index % script.length] : weighted(choices));
}

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Đức', 'Ngọc', 'Quốc', 'Thanh', 'Hồng', 'Gia'];
const GIVEN = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Hà',
  'Hải',
  'Hương',
  'Khoa',
  'Lan',
  'Long',
  'Mai',
  'Nam',
  'Phúc',
  'Quân',
  'Tâm',
  'Trang',
  'Tuấn',
  'Vy',
];
const ASCII: Record<string, string> = { đ: 'd', Đ: 'D' };

export function fullName(): string {
  return `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
}

/** `an.nguyen42@example.com` from a Vietnamese name (diacritics removed). */
export function emailFor(name: string): string {
  const plain = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => ASCII[c])
    .toLowerCase()
    .split(' ');
  return `${plain[plain.length - 1]}.${plain[0]}${between(1, 99)}@example.com`;
}

const MOBILE_PREFIXES = [
  '90',
  '91',
  '93',
  '94',
  '96',
  '97',
  '98',
  '32',
  '33',
  '35',
  '37',
  '38',
  '39',
  '70',
  '77',
  '79',
  '81',
  '83',
  '85',
  '86',
  '88',
  '89',
];

/** A Vietnamese mobile number, `84` + 9 digits. */
export function mobile(): string {
  return `84${pick(MOBILE_PREFIXES)}${String(between(0, 9_999_999)).padStart(7, '0')}`;
}

/** The same number as a person would type it: `0912 345 678`, `+84 912 345 678`, `0912.345.678`... */
export function asTyped(phone84: string): string {
  const national = phone84.slice(2);
  const [a, b, c] = [national.slice(0, 3), national.slice(3, 6), national.slice(6)];
  return pick([
    `0${a} ${b} ${c}`,
    `+84 ${a} ${b} ${c}`,
    `0${a}.${b}.${c}`,
    `0${a}-${b}-${c}`,
    `84${national}`,
    `0${national}`,
  ]);
}

export const PROVINCES = [
  'Hà Nội',
  'TP. Hồ Chí Minh',
  'Đà Nẵng',
  'Hải Phòng',
  'Cần Thơ',
  'Bình Dương',
  'Đồng Nai',
  'Khánh Hòa',
];
export const PRODUCTS = [
  'Gói Premium',
  'Gói Gold',
  'Gói Silver',
  'Bảo hiểm xe máy',
  'Thẻ tín dụng hoàn tiền',
];
