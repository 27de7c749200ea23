/**
 * Which connector serves which `system:` of a config. Connectors load on demand, so a command pays only
 * for the systems its pair uses.
 */
import type { PairConfig } from '../config/schema.js';
import type { ApConnector, ConnectorDeps, ErpConnector } from './types.js';

export async function createErpConnector(config: PairConfig['erp'], deps: ConnectorDeps): Promise<ErpConnector> {
  switch (config.system) {
    case 'infor': {
      const { createInforConnector } = await import('./infor/index.js');
      return createInforConnector(config, deps);
    }
  }
}

export async function createApConnector(config: PairConfig['ap'], deps: ConnectorDeps): Promise<ApConnector> {
  switch (config.system) {
    case 'basware': {
      const { createBaswareConnector } = await import('./basware/index.js');
      return createBaswareConnector(config, deps);
    }
  }
}
