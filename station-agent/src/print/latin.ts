/**
 * English-only printing (no CJK font on the station PC): the standard PDF fonts carry only
 * WinAnsi glyphs, so a plate's province character is spelled in pinyin and other Chinese
 * text is replaced rather than printed as empty boxes.
 */
const PROVINCES: Record<string, string> = {
  京: 'Jing', 津: 'Jin', 沪: 'Hu', 渝: 'Yu', 冀: 'Ji', 豫: 'Yu', 云: 'Yun', 辽: 'Liao', 黑: 'Hei', 湘: 'Xiang', 皖: 'Wan',
  鲁: 'Lu', 新: 'Xin', 苏: 'Su', 浙: 'Zhe', 赣: 'Gan', 鄂: 'E', 桂: 'Gui', 甘: 'Gan', 晋: 'Jin', 蒙: 'Meng', 陕: 'Shaan',
  吉: 'Ji', 闽: 'Min', 贵: 'Gui', 粤: 'Yue', 青: 'Qing', 藏: 'Zang', 川: 'Chuan', 宁: 'Ning', 琼: 'Qiong', 使: 'Shi', 领: 'Ling',
  挂: 'Gua', 学: 'Xue', 警: 'Jing', 港: 'Gang', 澳: 'Ao',
};

/** 苏E67890 → "Su-E67890"; 苏E1234挂 → "Su-E1234-Gua". */
export function latinPlate(plate: string): string {
  return [...plate].map((ch, i) => (PROVINCES[ch] ? (i === 0 ? `${PROVINCES[ch]}-` : `-${PROVINCES[ch]}`) : ch)).join('');
}

/** Keeps what WinAnsi can show; each other character becomes '?'. */
export function latinText(s: string): string {
  return s.replace(/[^\x20-\x7e\u00a0-\u00ff]/gu, '?');
}
