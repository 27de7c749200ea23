/**
 * Key paging of M3 Lst* transactions (apis/infor.md §6.1): each page starts at a key and includes
 * it, so the from-key record (already emitted as the last of the previous page) is dropped; the next
 * from-key is the key of the last record; a page shorter than asked for is the last one.
 */

export interface KeyPagingOptions<R> {
  /** maxrecs per call. */
  pageSize: number;
  keyOf(record: R): string;
  /** One call: records from `fromKey` inclusive (undefined = from the start). */
  fetchPage(fromKey: string | undefined, maxrecs: number): Promise<R[]>;
}

/**
 * A page from K can hold only K itself when maxrecs is 1, which would never advance; two is the
 * smallest page size that always makes progress.
 */
const MIN_PAGE_SIZE = 2;

export async function* pageByKey<R>(opts: KeyPagingOptions<R>): AsyncGenerator<R> {
  const maxrecs = Math.max(opts.pageSize, MIN_PAGE_SIZE);
  let fromKey: string | undefined;
  // Keys of the previous page: the from-key comes back first, and a gateway that ignored the
  // from-key would repeat the whole page; neither is emitted twice. Memory stays one page.
  let previous = new Set<string>();
  for (;;) {
    const page = await opts.fetchPage(fromKey, maxrecs);
    const fresh = page.filter((r) => !previous.has(opts.keyOf(r)));
    for (const record of fresh) yield record;
    if (page.length < maxrecs || fresh.length === 0) return;
    previous = new Set(page.map(opts.keyOf));
    fromKey = opts.keyOf(page[page.length - 1] as R);
  }
}
