import { expect, test } from 'vitest';
import { canonicalJson, NotCanonicalError, parseCanonical } from './canonical-json.js';

const enc = (s: string) => new TextEncoder().encode(s);

test('keys are sorted, whitespace is absent, undefined is dropped', () => {
  expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined })).toBe('{"a":[true,null,"x"],"b":1}');
});

test('strings are NFC so visually equal text has one encoding', () => {
  expect(canonicalJson('e\u0301')).toBe(canonicalJson('\u00e9'));
});

test('floats and unsafe integers cannot be signed', () => {
  expect(() => canonicalJson(1.5)).toThrow(NotCanonicalError);
  expect(() => canonicalJson(2 ** 60)).toThrow(NotCanonicalError);
});

test('parseCanonical accepts exactly the canonical spelling', () => {
  expect(parseCanonical(enc('{"a":1,"b":[2]}'))).toEqual({ a: 1, b: [2] });
});

test.each([
  ['whitespace', '{"a": 1}'],
  ['unsorted keys', '{"b":1,"a":2}'],
  ['duplicate keys', '{"a":1,"a":2}'],
  ['float spelling of an integer', '{"a":1.0}'],
  ['exponent', '{"a":1e3}'],
  ['escaped ASCII', '{"a":"\\u0041"}'],
  ['not JSON', '{"a":'],
])('parseCanonical rejects %s', (_what, text) => {
  expect(() => parseCanonical(enc(text))).toThrow(NotCanonicalError);
});

test('parseCanonical rejects invalid UTF-8', () => {
  expect(() => parseCanonical(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/UTF-8/);
});
