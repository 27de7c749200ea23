/** Public surface of the Basware connector. */
export { createBaswareConnector, BASWARE_MIRROR_TARGETS } from './connector.js';
export type { BaswareConnectorOptions, BaswareSubmittedBatch } from './connector.js';
export { createBaswareDocuments } from './documents.js';
export type { BaswareDocumentsOptions } from './documents.js';
export { mapDocument } from './document-mapping.js';
export { externalCode, uuidV5, MLSYNC_EXTERNAL_CODE_NAMESPACE } from './external-code.js';
export { BaswareConfig } from './config.js';
