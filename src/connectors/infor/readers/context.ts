/** What every M3 mirror reader needs: the transaction client and the connector's config. */
import type { InforConfig } from '../config.js';
import type { M3Client } from '../m3-client.js';

export interface ReaderContext {
  m3: M3Client;
  config: InforConfig;
}
