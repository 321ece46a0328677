import { describe, expect, it } from 'vitest';
import { gridLayout } from './grid-layout.ts';

describe('gridLayout', () => {
  it('puts one tile alone', () => {
    expect(gridLayout(1, 1280, 720)).toEqual({ columns: 1, rows: 1 });
  });

  it('puts two side by side on a wide screen and stacked on a phone', () => {
    expect(gridLayout(2, 1280, 720)).toEqual({ columns: 2, rows: 1 });
    expect(gridLayout(2, 390, 700)).toEqual({ columns: 1, rows: 2 });
  });

  it('fits sixteen in four by four on a 16:9 screen', () => {
    expect(gridLayout(16, 1600, 900)).toEqual({ columns: 4, rows: 4 });
  });

  it('always has room for every tile', () => {
    for (let count = 1; count <= 16; count++) {
      for (const [width, height] of [[1280, 720], [390, 844], [800, 800]] as const) {
        const { columns, rows } = gridLayout(count, width, height);
        expect(columns * rows).toBeGreaterThanOrEqual(count);
        expect(columns * (rows - 1)).toBeLessThan(count);
      }
    }
  });

  it('falls back to a square grid before the size is known', () => {
    expect(gridLayout(5, 0, 0)).toEqual({ columns: 3, rows: 2 });
  });
});
