const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/**
 * A file size as people read it: 68 B, 1.2 KB, 3.4 MB (1 KB = 1024 B, one decimal below 10 of a
 * unit, none from 10 on). The one place the portal turns a byte count into text.
 */
export function formatFileSize(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  let shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.96 KB rounds to 1024 KB: read it as 1 MB.
  if (shown >= 1024 && unit < UNITS.length - 1) {
    shown = 1;
    unit++;
  }
  return `${shown} ${UNITS[unit]}`;
}
