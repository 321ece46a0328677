export interface GridShape {
  columns: number;
  rows: number;
}

/**
 * The column count that gives `count` tiles of `aspect` (width / height) the largest size in a
 * `width` x `height` area. Phones in portrait get one or two columns, wide screens a row.
 */
export function gridLayout(count: number, width: number, height: number, aspect = 16 / 9): GridShape {
  if (count <= 0) return { columns: 1, rows: 1 };
  if (width <= 0 || height <= 0) {
    const columns = Math.ceil(Math.sqrt(count));
    return { columns, rows: Math.ceil(count / columns) };
  }
  let best: GridShape = { columns: 1, rows: count };
  let bestArea = 0;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    let tileWidth = width / columns;
    let tileHeight = tileWidth / aspect;
    if (tileHeight * rows > height) {
      tileHeight = height / rows;
      tileWidth = tileHeight * aspect;
    }
    const area = tileWidth * tileHeight;
    // On a tie, a landscape area prefers the wider grid (side by side), a portrait one the taller.
    const tie = Math.abs(area - bestArea) <= 1e-6;
    if (area > bestArea + 1e-6 || (tie && width >= height)) {
      best = { columns, rows };
      bestArea = area;
    }
  }
  return best;
}
