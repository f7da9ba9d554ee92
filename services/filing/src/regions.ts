/**
 * 行政区划代码: 330000 浙江省 ⊃ 330100 杭州市 ⊃ 330106 西湖区. A region covers every code that
 * starts with its code less the trailing "00" pairs (下级部门 see their sub-regions).
 */
export function regionPrefix(code: string): string {
  let p = code;
  while (p.length > 2 && p.endsWith('00')) p = p.slice(0, -2);
  return p;
}

export const coversRegion = (staffRegion: string, filingRegion: string | null | undefined) =>
  !!filingRegion && filingRegion.startsWith(regionPrefix(staffRegion));
