/** Reference data the default seed draws from: countries, company names, items, chart of accounts, cost centres. */
import type { Prng } from './prng.js';

export interface PaymentTerm {
  /** M3 TEPY code. */
  code: string;
  days: number;
  description: string;
}

/** Payment terms (TEPY) the default seed uses; the demo configures Basware's simulator with these. */
export const SEED_PAYMENT_TERMS: readonly PaymentTerm[] = [
  { code: '10D', days: 10, description: 'Net 10 days' },
  { code: '15D', days: 15, description: 'Net 15 days' },
  { code: '30D', days: 30, description: 'Net 30 days' },
  { code: '60D', days: 60, description: 'Net 60 days' },
];

/** TEPY codes of the default seed. */
export const SEED_TEPY_CODES: readonly string[] = SEED_PAYMENT_TERMS.map((t) => t.code);

/** Payment methods (PYME) of the default seed: bank transfer, ACH, check. */
export const SEED_PAYMENT_METHODS: readonly string[] = ['BTR', 'ACH', 'CHK'];

export interface Country {
  cscd: string;
  lncd: string;
  currencies: readonly (readonly [string, number])[];
  weight: number;
  suffixes: readonly string[];
  cities: readonly string[];
  streets: readonly string[];
  phonePrefix: string;
  /** State / area codes (ECAR); empty when the country has none. */
  areas: readonly string[];
  postalCode: (r: Prng) => string;
  taxId: (r: Prng) => string;
  paymentMethods: readonly (readonly [string, number])[];
}

const BANK = [['BTR', 1]] as const;

export const COUNTRIES: readonly Country[] = [
  {
    cscd: 'SE', lncd: 'SE', currencies: [['SEK', 8], ['EUR', 2]], weight: 18, suffixes: ['AB'],
    cities: ['Stockholm', 'Göteborg', 'Malmö', 'Uppsala', 'Västerås', 'Örebro', 'Linköping', 'Jönköping'],
    streets: ['Sveavägen', 'Kungsgatan', 'Drottninggatan', 'Industrivägen', 'Hamngatan', 'Storgatan'],
    phonePrefix: '+46', areas: [],
    postalCode: (r) => `${r.int(100, 989)} ${r.digits(2)}`,
    taxId: (r) => `SE${r.int(55, 59)}${r.digits(8)}01`, paymentMethods: BANK,
  },
  {
    cscd: 'DE', lncd: 'DE', currencies: [['EUR', 1]], weight: 15, suffixes: ['GmbH', 'AG', 'GmbH & Co. KG'],
    cities: ['Hamburg', 'München', 'Köln', 'Frankfurt am Main', 'Stuttgart', 'Düsseldorf', 'Bremen', 'Hannover'],
    streets: ['Hauptstraße', 'Industriestraße', 'Bahnhofstraße', 'Gewerbering', 'Hafenstraße', 'Lindenallee'],
    phonePrefix: '+49', areas: [],
    postalCode: (r) => r.digits(5),
    taxId: (r) => `DE${r.int(1, 9)}${r.digits(8)}`, paymentMethods: BANK,
  },
  {
    cscd: 'GB', lncd: 'GB', currencies: [['GBP', 1]], weight: 12, suffixes: ['Ltd', 'plc'],
    cities: ['London', 'Manchester', 'Birmingham', 'Leeds', 'Bristol', 'Glasgow', 'Sheffield'],
    streets: ['High Street', 'Station Road', 'Mill Lane', 'Church Street', 'Victoria Road', 'Park Avenue'],
    phonePrefix: '+44', areas: [],
    postalCode: (r) => `${r.pick(['EC1A', 'M1', 'B2', 'LS1', 'BS1', 'G1', 'S1'])} ${r.int(1, 9)}${r.pick(['AB', 'BD', 'HX', 'QT', 'NW'])}`,
    taxId: (r) => `GB${r.int(1, 9)}${r.digits(8)}`, paymentMethods: BANK,
  },
  {
    cscd: 'US', lncd: 'GB', currencies: [['USD', 1]], weight: 15, suffixes: ['Inc.', 'LLC', 'Corp.'],
    cities: ['Chicago', 'Houston', 'Atlanta', 'Denver', 'Seattle', 'Columbus', 'Charlotte', 'Minneapolis'],
    streets: ['Main Street', 'Oak Avenue', 'Industrial Parkway', 'Commerce Drive', 'Market Street', 'Lakeview Road'],
    phonePrefix: '+1', areas: ['IL', 'TX', 'GA', 'CO', 'WA', 'OH', 'NC', 'MN'],
    postalCode: (r) => r.digits(5),
    taxId: (r) => `${r.int(10, 99)}-${r.digits(7)}`, paymentMethods: [['ACH', 7], ['CHK', 3]],
  },
  {
    cscd: 'FR', lncd: 'FR', currencies: [['EUR', 1]], weight: 8, suffixes: ['SAS', 'SARL', 'SA'],
    cities: ['Paris', 'Lyon', 'Marseille', 'Lille', 'Toulouse', 'Nantes', 'Bordeaux'],
    streets: ['Rue de la République', 'Avenue Jean Jaurès', 'Rue Victor Hugo', 'Boulevard Pasteur', 'Rue du Port'],
    phonePrefix: '+33', areas: [],
    postalCode: (r) => r.digits(5),
    taxId: (r) => `FR${r.digits(2)}${r.digits(9)}`, paymentMethods: BANK,
  },
  {
    cscd: 'NL', lncd: 'NL', currencies: [['EUR', 1]], weight: 7, suffixes: ['B.V.', 'N.V.'],
    cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'Eindhoven', 'Tilburg', 'Groningen'],
    streets: ['Kerkstraat', 'Havenweg', 'Industrieweg', 'Stationsplein', 'Dorpsstraat'],
    phonePrefix: '+31', areas: [],
    postalCode: (r) => `${r.int(1000, 9999)} ${r.pick(['AB', 'CD', 'EK', 'LM', 'RS'])}`,
    taxId: (r) => `NL${r.digits(9)}B01`, paymentMethods: BANK,
  },
  {
    cscd: 'FI', lncd: 'FI', currencies: [['EUR', 1]], weight: 6, suffixes: ['Oy', 'Oyj'],
    cities: ['Helsinki', 'Espoo', 'Tampere', 'Turku', 'Oulu', 'Vantaa'],
    streets: ['Mannerheimintie', 'Teollisuuskatu', 'Satamakatu', 'Hämeenkatu', 'Kauppakatu'],
    phonePrefix: '+358', areas: [],
    postalCode: (r) => r.digits(5),
    taxId: (r) => `FI${r.digits(8)}`, paymentMethods: BANK,
  },
  {
    cscd: 'NO', lncd: 'NO', currencies: [['NOK', 1]], weight: 5, suffixes: ['AS', 'ASA'],
    cities: ['Oslo', 'Bergen', 'Trondheim', 'Stavanger', 'Drammen'],
    streets: ['Karl Johans gate', 'Storgata', 'Industriveien', 'Havnegata', 'Kongens gate'],
    phonePrefix: '+47', areas: [],
    postalCode: (r) => r.digits(4),
    taxId: (r) => `NO${r.digits(9)}MVA`, paymentMethods: BANK,
  },
  {
    cscd: 'DK', lncd: 'DK', currencies: [['DKK', 1]], weight: 5, suffixes: ['A/S', 'ApS'],
    cities: ['København', 'Aarhus', 'Odense', 'Aalborg', 'Esbjerg'],
    streets: ['Vesterbrogade', 'Strandvejen', 'Industrivej', 'Havnegade', 'Nørregade'],
    phonePrefix: '+45', areas: [],
    postalCode: (r) => r.digits(4),
    taxId: (r) => `DK${r.digits(8)}`, paymentMethods: BANK,
  },
  {
    cscd: 'PL', lncd: 'PL', currencies: [['PLN', 7], ['EUR', 3]], weight: 5, suffixes: ['Sp. z o.o.', 'S.A.'],
    cities: ['Warszawa', 'Kraków', 'Wrocław', 'Poznań', 'Gdańsk', 'Łódź'],
    streets: ['ul. Marszałkowska', 'ul. Przemysłowa', 'ul. Portowa', 'ul. Długa', 'al. Jerozolimskie'],
    phonePrefix: '+48', areas: [],
    postalCode: (r) => `${r.digits(2)}-${r.digits(3)}`,
    taxId: (r) => `PL${r.digits(10)}`, paymentMethods: BANK,
  },
  {
    cscd: 'ES', lncd: 'ES', currencies: [['EUR', 1]], weight: 2, suffixes: ['S.L.', 'S.A.'],
    cities: ['Madrid', 'Barcelona', 'Valencia', 'Bilbao', 'Sevilla'],
    streets: ['Calle Mayor', 'Avenida de la Industria', 'Calle del Puerto', 'Gran Vía'],
    phonePrefix: '+34', areas: [],
    postalCode: (r) => r.digits(5),
    taxId: (r) => `ES${r.pick(['A', 'B'])}${r.digits(8)}`, paymentMethods: BANK,
  },
  {
    cscd: 'IT', lncd: 'IT', currencies: [['EUR', 1]], weight: 2, suffixes: ['S.r.l.', 'S.p.A.'],
    cities: ['Milano', 'Torino', 'Bologna', 'Verona', 'Roma'],
    streets: ['Via Roma', 'Via Garibaldi', 'Via dell\'Industria', 'Corso Italia'],
    phonePrefix: '+39', areas: [],
    postalCode: (r) => r.digits(5),
    taxId: (r) => `IT${r.digits(11)}`, paymentMethods: BANK,
  },
];

export const NAME_STEMS: readonly string[] = [
  'Acme', 'Nordic', 'Baltic', 'Alpine', 'Atlas', 'Beacon', 'Boreal', 'Cascade', 'Crown', 'Delta', 'Evergreen', 'Falcon',
  'Granite', 'Harbor', 'Helix', 'Horizon', 'Keystone', 'Lumen', 'Meridian', 'Northstar', 'Oakridge', 'Orion', 'Pinnacle',
  'Polar', 'Quantum', 'Redwood', 'Sterling', 'Summit', 'Titan', 'Vector', 'Vertex', 'Westbrook', 'Zenith', 'Aurora',
  'Coastal', 'Continental', 'Eastgate', 'Fjord', 'Hansa', 'Rhein', 'Silverline', 'Bluewater', 'Ironbridge', 'Greenfield',
  'Highland', 'Lakeside', 'Riverside', 'Stonegate', 'Brightway', 'Clearview', 'Kestrel', 'Lindqvist', 'Bergmann',
  'Novak', 'Moreau', 'Virtanen', 'Jansen', 'Hallberg', 'Sørensen', 'Kowalski',
];

export const NAME_TRADES: readonly string[] = [
  'Components', 'Freight', 'Logistics', 'Packaging', 'Industrial Supply', 'Office Solutions', 'Fasteners', 'Electronics',
  'Steel', 'Plastics', 'Chemicals', 'Engineering', 'Facility Services', 'IT Services', 'Consulting', 'Print', 'Catering',
  'Tools', 'Hydraulics', 'Bearings', 'Cleaning', 'Security', 'Energy', 'Transport', 'Timber', 'Paper', 'Labels',
  'Automation', 'Software', 'Staffing',
];

export interface Item {
  itno: string;
  name: string;
  unit: string;
  /** Price range per unit in EUR-ish units. */
  price: readonly [number, number];
  /** Typical order quantity range. */
  qty: readonly [number, number];
  service?: boolean;
}

export const ITEMS: readonly Item[] = [
  { itno: 'BOLT-M8', name: 'Bolt M8x40', unit: 'PCS', price: [0.2, 6], qty: [50, 2000] },
  { itno: 'NUT-M8', name: 'Hex nut M8', unit: 'PCS', price: [0.05, 0.5], qty: [100, 5000] },
  { itno: 'WASHER-M8', name: 'Washer M8 zinc', unit: 'PCS', price: [0.02, 0.2], qty: [100, 5000] },
  { itno: 'SCREW-4X30', name: 'Wood screw 4x30', unit: 'BOX', price: [4, 12], qty: [5, 100] },
  { itno: 'BEARING-6204', name: 'Ball bearing 6204-2RS', unit: 'PCS', price: [3, 15], qty: [10, 400] },
  { itno: 'GASKET-50', name: 'Gasket DN50 EPDM', unit: 'PCS', price: [1.5, 8], qty: [20, 500] },
  { itno: 'HOSE-12MM', name: 'Hydraulic hose 12 mm', unit: 'M', price: [4, 18], qty: [10, 300] },
  { itno: 'CABLE-3G15', name: 'Power cable 3G1.5', unit: 'M', price: [0.8, 3], qty: [50, 1000] },
  { itno: 'PALLET-EUR', name: 'EUR pallet 1200x800', unit: 'PCS', price: [9, 16], qty: [20, 300] },
  { itno: 'BOX-600X400', name: 'Corrugated box 600x400x400', unit: 'PCS', price: [0.9, 3], qty: [100, 3000] },
  { itno: 'TAPE-48MM', name: 'Packing tape 48 mm', unit: 'PCS', price: [1, 4], qty: [24, 480] },
  { itno: 'FILM-STRETCH', name: 'Stretch film 500 mm', unit: 'PCS', price: [8, 20], qty: [6, 120] },
  { itno: 'PAPER-A4', name: 'Copy paper A4 80 g', unit: 'BOX', price: [18, 35], qty: [5, 80] },
  { itno: 'TONER-BK', name: 'Toner cartridge black', unit: 'PCS', price: [45, 140], qty: [2, 40] },
  { itno: 'GLOVE-NITR', name: 'Nitrile gloves size L', unit: 'BOX', price: [5, 14], qty: [10, 200] },
  { itno: 'GLASS-SAFE', name: 'Safety glasses clear', unit: 'PCS', price: [3, 12], qty: [10, 150] },
  { itno: 'OIL-HYD46', name: 'Hydraulic oil ISO VG 46', unit: 'L', price: [2.5, 7], qty: [20, 1000] },
  { itno: 'GREASE-EP2', name: 'Lithium grease EP2', unit: 'KG', price: [6, 15], qty: [5, 100] },
  { itno: 'STEEL-PL5', name: 'Steel plate S355 5 mm', unit: 'KG', price: [0.9, 2.2], qty: [200, 8000] },
  { itno: 'ALU-PROF40', name: 'Aluminium profile 40x40', unit: 'M', price: [6, 18], qty: [20, 600] },
  { itno: 'PUMP-CF100', name: 'Centrifugal pump CF100', unit: 'PCS', price: [380, 1500], qty: [1, 6] },
  { itno: 'MOTOR-1K5', name: 'Electric motor 1.5 kW', unit: 'PCS', price: [180, 620], qty: [1, 12] },
  { itno: 'SENSOR-PX12', name: 'Proximity sensor M12', unit: 'PCS', price: [18, 65], qty: [4, 80] },
  { itno: 'RELAY-24V', name: 'Relay 24 V DC', unit: 'PCS', price: [4, 22], qty: [10, 200] },
  { itno: 'LAPTOP-14', name: 'Laptop 14 inch', unit: 'PCS', price: [750, 1800], qty: [1, 25] },
  { itno: 'MONITOR-27', name: 'Monitor 27 inch', unit: 'PCS', price: [180, 420], qty: [1, 30] },
  { itno: 'DOCK-USBC', name: 'USB-C docking station', unit: 'PCS', price: [90, 260], qty: [1, 30] },
  { itno: 'SVC-TECH', name: 'Technical service', unit: 'HR', price: [65, 140], qty: [2, 80], service: true },
  { itno: 'SVC-CONSULT', name: 'Consulting services', unit: 'HR', price: [90, 220], qty: [4, 120], service: true },
  { itno: 'SVC-CLEAN', name: 'Office cleaning', unit: 'HR', price: [30, 55], qty: [8, 160], service: true },
  { itno: 'SVC-FREIGHT', name: 'Freight charge', unit: 'PCS', price: [80, 900], qty: [1, 4], service: true },
];

export const BUYERS: readonly string[] = ['JSMITH', 'AKARLSSON', 'MLEHMANN', 'SJOHNSON', 'PDUBOIS', 'EVIRTANEN'];
export const WAREHOUSES: readonly string[] = ['100', '110', '200'];

/** GL accounts, AITP 1 (a BAS-like chart). */
export const GL_ACCOUNTS: readonly (readonly [string, string])[] = [
  ['1210', 'Machinery and equipment'], ['1220', 'Furniture and fittings'], ['1250', 'Computers'],
  ['1410', 'Raw materials inventory'], ['1460', 'Goods for resale'], ['1510', 'Accounts receivable'],
  ['1630', 'Tax account'], ['1790', 'Prepaid expenses'], ['1910', 'Cash'], ['1930', 'Bank account'],
  ['2010', 'Equity'], ['2350', 'Long-term bank loans'], ['2410', 'Accounts payable'], ['2440', 'Supplier liabilities'],
  ['2460', 'Goods received not invoiced'], ['2610', 'Output VAT 25%'], ['2640', 'Input VAT'], ['2710', 'Employee tax withheld'],
  ['2920', 'Accrued holiday pay'], ['2990', 'Accrued expenses'], ['3010', 'Sales of goods'], ['3040', 'Sales of services'],
  ['4010', 'Purchases of goods'], ['4050', 'Purchases of raw materials'], ['4600', 'Subcontracted work'],
  ['4990', 'Inventory change'], ['5010', 'Rent of premises'], ['5020', 'Electricity'], ['5060', 'Cleaning and maintenance'],
  ['5090', 'Other premises costs'], ['5410', 'Consumable equipment'], ['5420', 'Software licences'],
  ['5460', 'Consumable supplies'], ['5500', 'Repairs and maintenance'], ['5610', 'Company cars'], ['5710', 'Freight'],
  ['5800', 'Travel expenses'], ['5910', 'Advertising'], ['6071', 'Business entertainment'], ['6110', 'Office supplies'],
  ['6150', 'Printed matter'], ['6210', 'Telephone'], ['6230', 'Data communication'], ['6250', 'Postage'],
  ['6310', 'Insurance'], ['6420', 'Audit fees'], ['6530', 'Accounting services'], ['6540', 'IT services'],
  ['6550', 'Consulting fees'], ['6570', 'Bank charges'], ['6800', 'Temporary staff'], ['6970', 'Trade journals'],
  ['6980', 'Membership fees'], ['6991', 'Other deductible costs'], ['7010', 'Salaries'], ['7510', 'Social security costs'],
  ['7830', 'Depreciation'], ['8310', 'Interest income'], ['8410', 'Interest expense'], ['8910', 'Income tax'],
];

/** Cost centres, AITP 2. */
export const COST_CENTERS: readonly (readonly [string, string])[] = [
  ['CC100', 'Executive management'], ['CC110', 'Finance'], ['CC120', 'Accounting'], ['CC130', 'Human resources'],
  ['CC140', 'Legal'], ['CC200', 'IT'], ['CC210', 'IT infrastructure'], ['CC220', 'IT applications'],
  ['CC300', 'Sales Nordics'], ['CC310', 'Sales DACH'], ['CC320', 'Sales UK'], ['CC330', 'Sales North America'],
  ['CC400', 'Marketing'], ['CC410', 'Customer service'], ['CC500', 'Production line 1'], ['CC510', 'Production line 2'],
  ['CC520', 'Maintenance'], ['CC600', 'Warehouse'], ['CC610', 'Shipping'], ['CC700', 'Research and development'],
  ['CC710', 'Product engineering'], ['CC800', 'Quality assurance'], ['CC810', 'Health and safety'],
  ['CC900', 'Facilities'], ['CC910', 'Purchasing'],
];
