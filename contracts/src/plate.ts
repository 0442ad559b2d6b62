/**
 * Chinese plates are written many ways: 苏E·12345, 苏E・12345, 苏E 12345, full-width 苏Ｅ１２３４５.
 * All of them are one vehicle. We keep the raw text and compare on this normal form:
 * NFKC (folds full-width letters and digits), upper case, separators removed.
 */
const SEPARATORS = /[\s·・•.\-_－—]/gu;

export function normalisePlate(raw: string): string {
  return raw.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}

// Province abbreviation + letter + 5 (ordinary) or 6 (new-energy) characters; 挂/学/警 suffixes allowed.
const PLATE_SHAPE =
  /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$/u;

export function isPlausiblePlate(normalised: string): boolean {
  return PLATE_SHAPE.test(normalised);
}
