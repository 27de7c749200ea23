/**
 * Basware facts that are data, not behaviour: region hosts (apis/basware.md §2), batch limits (§4.1,
 * §4.2), scopes. The region table is what the base-URL check compares against.
 */

export const BASWARE_SYSTEM = 'basware';
export const BASWARE_DISPLAY_NAME = 'Basware';
/** The variables operators set for the API client (contract.md); named in login errors. */
export const BASWARE_CREDENTIAL_ENV = 'BASWARE_CLIENT_ID/BASWARE_CLIENT_SECRET';

/** Import endpoints (§4.1, §4.2), relative to baseUrl. */
export const BASWARE_IMPORT_PATHS = {
  vendors: '/v1/vendors',
  accounts: '/v1/accounts',
  costCenters: '/v1/costCenters',
  matchingOrders: '/v1/matchingOrders',
  matchingOrderLines: '/v1/matchingOrderLines',
} as const;

export const BASWARE_REGIONS = ['EU', 'US', 'AU', 'CA'] as const;
export type BaswareRegion = (typeof BASWARE_REGIONS)[number];

/** Known hosts per region, production and test (§2; all but EU production are MODELED). */
export const BASWARE_REGION_HOSTS: Record<BaswareRegion, { production: string; test: string }> = {
  EU: { production: 'api.basware.com', test: 'test-api.basware.com' },
  US: { production: 'api.us.basware.com', test: 'test-api.us.basware.com' },
  AU: { production: 'api.au.basware.com', test: 'test-api.au.basware.com' },
  CA: { production: 'api.ca.basware.com', test: 'test-api.ca.basware.com' },
};

/** Records per import request (§4.1, §4.2). */
export const BASWARE_BATCH_LIMITS = {
  vendors: 200,
  accounts: 500,
  costCenters: 500,
  lists: 500,
  matchingOrders: 500,
  matchingOrderLines: 100,
} as const;

/** Largest request body Basware accepts (§3.4). */
export const BASWARE_MAX_BODY_BYTES = 6_291_456;

export const BASWARE_SCOPES = [
  'vendors.read',
  'vendors.write',
  'accounts.write',
  'costCenters.write',
  'lists.write',
  'matchingOrders.write',
  'matchingOrderLines.write',
  'requestStatus.read',
  'requestStatus.write',
  'accountingDocuments.read',
  'accountingDocuments.write',
  'subscriptions.read',
  'subscriptions.write',
  'subscriptions.delete',
] as const;

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export type RegionCheck = { ok: true } | { ok: false; message: string };

/**
 * Is this base URL acceptable for the configured region? Another region's known host is refused;
 * loopback is always accepted (sandbox, local doubles); any other host needs allowCustomHost.
 */
export function checkBaswareHost(baseUrl: string, region: BaswareRegion, allowCustomHost: boolean): RegionCheck {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return { ok: false, message: `"${baseUrl}" is not a URL` };
  }
  if (isLoopback(host)) return { ok: true };
  const own = BASWARE_REGION_HOSTS[region];
  if (host === own.production || host === own.test) return { ok: true };
  for (const other of BASWARE_REGIONS) {
    const hosts = BASWARE_REGION_HOSTS[other];
    if (host === hosts.production || host === hosts.test) {
      return {
        ok: false,
        message:
          `${host} is Basware's ${other} region, but BASWARE_REGION is ${region}. Credentials work only in their own region: ` +
          `set BASWARE_REGION=${other} if the tenant is in ${other}, or set BASWARE_BASE_URL to https://${own.production} (production) or https://${own.test} (test).`,
      };
    }
  }
  if (allowCustomHost) return { ok: true };
  return {
    ok: false,
    message:
      `${host} is not a known Basware host for region ${region} (expected ${own.production} or ${own.test}). ` +
      `If it is a proxy in front of Basware, set BASWARE_ALLOW_CUSTOM_HOST=true.`,
  };
}
