// Controlled rounding of an allocation (Bacharach 1966; Cox 1987): every share of every billed key is
// its exact value rounded down or up, and which ones round up is chosen by one integer flow so that
// at once each key, each column (an app, or an unallocated / idle row) and the grand total stay
// within one nano-unit of their exact sums. Rounding each key on its own (largest remainder) keeps
// the keys exact but lets an app's rounding errors add up over the hundreds of keys of a month.

/** One row (a billed key): cells whose exact values are `num / den` nano-units (`den` > 0). */
export interface ExactRow {
  readonly den: bigint;
  readonly cells: readonly { readonly column: string; readonly num: bigint }[];
}

/** Fixed-point scale for bounding column and grand sums of fractions with unrelated denominators. */
const SCALE = 10n ** 30n;

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

interface Bounds {
  lo: number;
  hi: number;
}

/** [floor, ceil] of a fraction known only within `[loScaled, hiScaled] / SCALE`. */
function scaledBounds(loScaled: bigint, hiScaled: bigint): Bounds {
  const lo = floorDiv(loScaled, SCALE);
  const hi = -floorDiv(-hiScaled, SCALE);
  return { lo: Number(lo), hi: Number(hi) };
}

/**
 * Bounds that keep the rounded sum strictly within one of the exact one: when the interval holds a
 * whole number m, the sum is m or within 10⁻²⁰ of it, so m itself is the only safe choice.
 */
function tightBounds(loScaled: bigint, hiScaled: bigint): Bounds {
  const m = -floorDiv(-loScaled, SCALE);
  if (m * SCALE <= hiScaled) return { lo: Number(m), hi: Number(m) };
  return scaledBounds(loScaled, hiScaled);
}

/** The nearest integer to a fraction within `[lo, hi] / SCALE`, when the bounds tell which it is. */
function nearest(loScaled: bigint, hiScaled: bigint): number | undefined {
  const base = floorDiv(loScaled, SCALE);
  const half = base * SCALE + SCALE / 2n;
  if (hiScaled < half) return Number(base);
  if (loScaled > half && hiScaled < (base + 1n) * SCALE + SCALE / 2n) return Number(base + 1n);
  return undefined;
}

/**
 * Pure: integer nano-units per cell, in the rows' and cells' order. Each cell is the floor or the
 * ceiling of its exact value; each row's sum is the floor or the ceiling of the row's exact sum (the
 * exact sum itself when it is whole); each column's sum is within one nano-unit of its exact sum;
 * and the grand total is the exact total rounded to the nearest nano-unit. Deterministic.
 */
export function roundMatrix(rows: readonly ExactRow[]): bigint[][] {
  const floors = rows.map((r) => r.cells.map((c) => floorDiv(c.num, r.den)));
  const columns = new Map<string, number>();
  for (const r of rows)
    for (const c of r.cells) if (!columns.has(c.column)) columns.set(c.column, columns.size);

  const graph = new FlowGraph(4 + rows.length + columns.size);
  const [source, sink, superSource, superSink] = [0, 1, 2, 3];
  const rowNode = (k: number) => 4 + k;
  const columnNode = (j: number) => 4 + rows.length + j;
  const excess = new Array<number>(graph.size).fill(0);
  const bounded = (from: number, to: number, { lo, hi }: Bounds): number => {
    excess[to] = (excess[to] ?? 0) + lo;
    excess[from] = (excess[from] ?? 0) - lo;
    return graph.add(from, to, hi - lo);
  };

  const columnScaled = [...columns.keys()].map(() => ({ lo: 0n, hi: 0n }));
  const grand = { lo: 0n, hi: 0n };
  const cellEdges: (number | undefined)[][] = [];
  rows.forEach((row, k) => {
    let fractionNum = 0n;
    const edges: (number | undefined)[] = row.cells.map(() => undefined);
    const fractions = row.cells.map((cell, i) => ({
      i,
      cell,
      fraction: cell.num - (floors[k]?.[i] ?? 0n) * row.den,
    }));
    // The search tries a node's last edge first: adding the largest fraction last (ties: the earlier
    // cell) makes one key alone round exactly as largest remainder does.
    fractions.sort((a, b) => (a.fraction === b.fraction ? b.i - a.i : a.fraction < b.fraction ? -1 : 1));
    for (const { i, cell, fraction } of fractions) {
      if (fraction === 0n) continue;
      fractionNum += fraction;
      const j = columns.get(cell.column) ?? 0;
      const scaled = (fraction * SCALE) / row.den;
      const bound = columnScaled[j] ?? { lo: 0n, hi: 0n };
      bound.lo += scaled;
      bound.hi += scaled + ((fraction * SCALE) % row.den === 0n ? 0n : 1n);
      edges[i] = graph.add(rowNode(k), columnNode(j), 1);
    }
    cellEdges.push(edges);
    const whole = fractionNum / row.den;
    const rowBounds = { lo: Number(whole), hi: Number(whole) + (fractionNum % row.den === 0n ? 0 : 1) };
    bounded(source, rowNode(k), rowBounds);
    const scaled = (fractionNum * SCALE) / row.den;
    grand.lo += scaled;
    grand.hi += scaled + ((fractionNum * SCALE) % row.den === 0n ? 0n : 1n);
  });
  // The grand total to the nearest nano-unit when a rounding reaches it; columns strictly within one
  // nano-unit when a rounding reaches it. Bacharach's theorem guarantees the last, loosest attempt.
  const wide = scaledBounds(grand.lo, grand.hi);
  const target = nearest(grand.lo, grand.hi);
  const totals =
    target === undefined ? [tightBounds(grand.lo, grand.hi), wide] : [{ lo: target, hi: target }, wide];
  const attempts = [
    ...totals.map((total) => ({ total, columns: tightBounds })),
    { total: wide, columns: scaledBounds },
  ];
  for (const { total, columns: columnBounds } of attempts) {
    const attempt = graph.copy();
    const attemptExcess = [...excess];
    columnScaled.forEach((b, j) => {
      const { lo, hi } = columnBounds(b.lo, b.hi);
      attemptExcess[sink] = (attemptExcess[sink] ?? 0) + lo;
      attemptExcess[columnNode(j)] = (attemptExcess[columnNode(j)] ?? 0) - lo;
      attempt.add(columnNode(j), sink, hi - lo);
    });
    attemptExcess[source] = (attemptExcess[source] ?? 0) + total.lo;
    attemptExcess[sink] = (attemptExcess[sink] ?? 0) - total.lo;
    attempt.add(sink, source, total.hi - total.lo);
    let demand = 0;
    attemptExcess.forEach((e, node) => {
      if (e > 0) {
        attempt.add(superSource, node, e);
        demand += e;
      } else if (e < 0) attempt.add(node, superSink, -e);
    });
    if (attempt.maxFlow(superSource, superSink) !== demand) continue;
    return rows.map((row, k) =>
      row.cells.map((_, i) => {
        const edge = cellEdges[k]?.[i];
        const up = edge !== undefined && attempt.flowOn(edge) > 0;
        return (floors[k]?.[i] ?? 0n) + (up ? 1n : 0n);
      }),
    );
  }
  // Bacharach's theorem says a rounding always exists; reaching here is a bug, never a silent split.
  throw new Error('matrix rounding: no feasible rounding found');
}

/** Dinic's max flow on small integer capacities, over flat arrays. */
class FlowGraph {
  private to: number[] = [];
  private cap: number[] = [];
  private next: number[] = [];
  private original: number[] = [];
  private head: number[];

  constructor(readonly size: number) {
    this.head = new Array<number>(size).fill(-1);
  }

  copy(): FlowGraph {
    const g = new FlowGraph(this.size);
    g.to = [...this.to];
    g.cap = [...this.cap];
    g.next = [...this.next];
    g.original = [...this.original];
    g.head = [...this.head];
    return g;
  }

  /** Adds an edge and its reverse; returns the edge's index. */
  add(from: number, to: number, capacity: number): number {
    const index = this.to.length;
    for (const [a, b, c] of [
      [from, to, capacity],
      [to, from, 0],
    ] as const) {
      this.to.push(b);
      this.cap.push(c);
      this.original.push(c);
      this.next.push(this.head[a] ?? -1);
      this.head[a] = this.to.length - 1;
    }
    return index;
  }

  flowOn(edge: number): number {
    return (this.original[edge] ?? 0) - (this.cap[edge] ?? 0);
  }

  maxFlow(source: number, sink: number): number {
    let flow = 0;
    const level = new Int32Array(this.size);
    const iter = new Int32Array(this.size);
    for (;;) {
      level.fill(-1);
      level[source] = 0;
      const queue = [source];
      for (let q = 0; q < queue.length; q++) {
        const u = queue[q] ?? 0;
        for (let e = this.head[u] ?? -1; e !== -1; e = this.next[e] ?? -1) {
          const v = this.to[e] ?? 0;
          if ((this.cap[e] ?? 0) > 0 && level[v] === -1) {
            level[v] = (level[u] ?? 0) + 1;
            queue.push(v);
          }
        }
      }
      if (level[sink] === -1) return flow;
      for (let n = 0; n < this.size; n++) iter[n] = this.head[n] ?? -1;
      for (;;) {
        const pushed = this.augment(source, sink, Number.MAX_SAFE_INTEGER, level, iter);
        if (pushed === 0) break;
        flow += pushed;
      }
    }
  }

  /** One blocking-flow path, iteratively (a deep recursion would overflow on long chains). */
  private augment(source: number, sink: number, limit: number, level: Int32Array, iter: Int32Array): number {
    const path: number[] = [];
    let u = source;
    for (;;) {
      if (u === sink) {
        let pushed = limit;
        for (const e of path) pushed = Math.min(pushed, this.cap[e] ?? 0);
        for (const e of path) {
          this.cap[e] = (this.cap[e] ?? 0) - pushed;
          this.cap[e ^ 1] = (this.cap[e ^ 1] ?? 0) + pushed;
        }
        return pushed;
      }
      let advanced = false;
      for (let e = iter[u] ?? -1; e !== -1; e = this.next[e] ?? -1) {
        iter[u] = e;
        const v = this.to[e] ?? 0;
        if ((this.cap[e] ?? 0) > 0 && level[v] === (level[u] ?? 0) + 1) {
          path.push(e);
          u = v;
          advanced = true;
          break;
        }
      }
      if (advanced) continue;
      // Dead end: never visit u again in this phase, and step back.
      level[u] = -1;
      iter[u] = -1;
      const back = path.pop();
      if (back === undefined) return 0;
      u = this.to[back ^ 1] ?? source;
    }
  }
}
