/**
 * How the fleet bench scrapes a `/metrics` over HTTP, alike for every process it measures (our
 * exporter, the straightforward path, the Python exporter): one GET timed to its last byte,
 * waiting until a process serves, and the load of a column (paced scrapes by one scraper, then
 * rounds of four asking at once).
 */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One GET; the body length as sent (compressed when asked). */
export function get(url: string, gzip = false): Promise<{ ms: number; bytes: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ ms: performance.now() - started, bytes: body.length, text: gzip ? '' : body.toString() });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
/** The `p` quantile of an ascending list (nearest rank). */
export const pct = (ascending: readonly number[], p: number) => ascending[Math.min(ascending.length - 1, Math.floor(ascending.length * p))]!;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process that did not come to serve what was asked: it exited, or the deadline passed. */
export class NotServing extends Error {}

/**
 * Scrapes `url` until `ready` accepts the text; the milliseconds since `startedAt`. Throws
 * NotServing when `exited` resolves first or `deadlineMs` passes, so that a process that
 * refuses its settings is reported rather than waited for.
 */
export async function untilServing(
  url: string,
  ready: (text: string) => boolean,
  o: { exited: Promise<unknown>; startedAt: number; deadlineMs: number; what: string; output?: () => string },
): Promise<number> {
  let exit: unknown;
  void o.exited.then((code) => (exit = code ?? 'exited'));
  for (;;) {
    const r = await get(url).catch(() => undefined);
    if (r && ready(r.text)) return performance.now() - o.startedAt;
    const tail = () => (o.output?.() ?? '').trim().split('\n').slice(-3).join(' | ');
    if (exit !== undefined) throw new NotServing(`${o.what} exited (${String(exit)}) before serving${tail() ? `: ${tail()}` : ''}`);
    if (performance.now() - o.startedAt > o.deadlineMs)
      throw new NotServing(`${o.what} did not serve within ${o.deadlineMs / 1000} s${tail() ? `: ${tail()}` : ''}`);
    await sleep(20);
  }
}

export interface ScrapeFigures {
  single: number[];
  four: number[];
  /**
   * With `rss`: the median of its readings after each paced scrape of the second half.
   * One reading moves by tens of MB with where the garbage collector happens to be.
   */
  rssMb?: number;
}

/**
 * The load of one column: `scrapes` by one scraper, a pause before each (so each collects: a
 * body is shared only with scrapes that come right after it), then `scrapes / 4` rounds of four
 * scrapers asking at the same moment. Five warm-up scrapes first.
 */
export async function scrapeLoad(url: string, o: { scrapes: number; pauseMs: number; gzip: boolean; rss?: () => number }): Promise<ScrapeFigures> {
  for (let i = 0; i < 5; i++) await get(url, o.gzip);
  const single: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < o.scrapes; i++) {
    await sleep(o.pauseMs);
    single.push((await get(url, o.gzip)).ms);
    if (o.rss && i >= o.scrapes / 2) rss.push(o.rss());
  }
  const four: number[] = [];
  for (let i = 0; i < o.scrapes / 4; i++) {
    await sleep(o.pauseMs);
    four.push(...(await Promise.all([0, 1, 2, 3].map(async () => (await get(url, o.gzip)).ms))));
  }
  return { single, four, ...(rss.length > 0 && { rssMb: median(rss) }) };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
