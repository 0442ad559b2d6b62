import { expect, test } from 'vitest';
import { isPlausiblePlate, normalisePlate } from './plate.js';

test.each(['苏E·12345', '苏E・12345', '苏E12345', '苏Ｅ１２３４５', ' 苏e 12345 ', '苏E-12345', '苏E.12345'])('%s normalises to 苏E12345', (raw) => {
  expect(normalisePlate(raw)).toBe('苏E12345');
});

test('new-energy plates (6 characters after the letter) are plausible', () => {
  expect(isPlausiblePlate(normalisePlate('苏E·D12345'))).toBe(true);
});

test.each(['12345', 'AE12345', '苏12345', '苏E1234', '苏E1234567', ''])('%s is not a plausible plate', (raw) => {
  expect(isPlausiblePlate(normalisePlate(raw))).toBe(false);
});
