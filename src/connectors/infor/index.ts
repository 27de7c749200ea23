/** Public surface of the Infor CloudSuite connector. */
export { createInforConnector, INFOR_MIRROR_ENTITIES } from './connector.js';
export type { InforConnectorOptions } from './connector.js';
export { M3BusinessError } from './m3-client.js';
export { InforConfig, IonApiFile } from './config.js';
