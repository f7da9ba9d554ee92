import { describe, expect, it } from 'vitest';
import { formatFileSize } from '../web/src/file-size';

describe('file sizes as people read them', () => {
  it.each([
    [0, '0 B'],
    [68, '68 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1229, '1.2 KB'],
    [10 * 1024, '10 KB'],
    [1024 * 1024 - 1, '1 MB'],
    [Math.round(3.4 * 1024 * 1024), '3.4 MB'],
    [50 * 1024 * 1024, '50 MB'],
    [Math.round(1.5 * 1024 ** 3), '1.5 GB'],
  ])('%i bytes read as %s', (bytes, shown) => {
    expect(formatFileSize(bytes)).toBe(shown);
  });
});
