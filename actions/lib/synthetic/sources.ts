/**
 * The sources the synthetic stations belong to, modelled on feeds that OpenAQ's real-time fetches
 * carried (see the 2018-06-07 sample): who reports, where, which parameters in which units and
 * averaging periods, how many decimals coordinates have, in what key order, how far back each
 * fetch repeats. Data only; stations.ts draws stations from it.
 */

/** Parameters OpenAQ reported that the rules map to TOAR variables. */
export type SupportedParameter = 'o3' | 'no2' | 'so2' | 'co' | 'pm25' | 'pm10' | 'bc';

/** Parameters OpenAQ reported that the rules do not support (rejected `unsupported-parameter`). */
export type UnsupportedParameter = 'pm1' | 'um003' | 'no' | 'nox';

export type SyntheticParameter = SupportedParameter | UnsupportedParameter;

/**
 * How a series writes `averagingPeriod` (its JSON text, or absent):
 * - `hour`: `{"value":1,"unit":"hours"}` (most feeds);
 * - `quarter`: `{"value":0.25,"unit":"hours"}`; `quarter-unit-first`: the same with the keys the
 *   other way round, as Israel's feed wrote it;
 * - `day`: `{"value":24,"unit":"hours"}`, a rolling 24-hour mean reported every hour (Thailand);
 * - `sixty-minutes`: `{"value":60,"unit":"minutes"}`;
 * - `missing`: no `averagingPeriod` key at all (Chile, Mongolia).
 */
export type AveragingForm =
  | 'hour'
  | 'quarter'
  | 'quarter-unit-first'
  | 'day'
  | 'sixty-minutes'
  | 'missing';

/** JSON text of each averaging form (undefined: the key is left out). */
export const AVERAGING_JSON: Readonly<Record<AveragingForm, string | undefined>> = {
  hour: '{"value":1,"unit":"hours"}',
  quarter: '{"value":0.25,"unit":"hours"}',
  'quarter-unit-first': '{"unit":"hours","value":0.25}',
  day: '{"value":24,"unit":"hours"}',
  'sixty-minutes': '{"value":60,"unit":"minutes"}',
  missing: undefined,
};

/** Daylight saving rules the local times follow (`none`: a fixed offset all year). */
export type DaylightRule = 'eu' | 'us' | 'none';

/** A city stations are scattered around. */
export interface Anchor {
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  lat: number;
  lng: number;
  /** Standard (winter) offset from UTC in minutes, e.g. 345 for Nepal. */
  utcOffset: number;
  daylight: DaylightRule;
  /** Overrides the source's `sourceName` (EEA reported per country, StateAir per post). */
  sourceName?: string;
  /** Overrides the source's attribution (JSON text of the array). */
  attribution?: string;
  /** Location names of this city, overriding the source's. */
  names?: readonly string[];
}

/** One parameter a source's stations may report. */
export interface ParameterOffer {
  parameter: SupportedParameter;
  /** Probability that a station of the source reports it. */
  share: number;
  /** The unit as the source writes it (µg/m³ spelled canonically; stations may respell it). */
  unit: string;
  /** Decimals of the reported value. */
  decimals: number;
  /** Overrides the source's averaging form. */
  averaging?: AveragingForm;
}

/** A feed: its stations share these properties. */
export interface SourceProfile {
  id: string;
  /** Relative share of stations. */
  weight: number;
  sourceName: string;
  sourceType: 'government' | 'research' | 'other';
  /** JSON text of the `attribution` array. */
  attribution: string;
  anchors: readonly Anchor[];
  parameters: readonly [ParameterOffer, ...ParameterOffer[]];
  /** Length of one measurement: 60 (hourly) or 15 (quarter-hourly). */
  slotMinutes: 15 | 60;
  /** Each fetch repeats this many hours of every series (the latest ones available). */
  windowHours: number;
  averaging: AveragingForm;
  /** Decimals of coordinates, drawn in [min, max]. */
  coordinateDecimals: readonly [number, number];
  /** Thailand's feed wrote `{"longitude":…,"latitude":…}`. */
  longitudeFirst: boolean;
  /** How far stations lie from their anchor, in degrees. */
  spreadDegrees: number;
  /** Minutes between the end of a measurement and the first fetch that lists it, drawn in [min, max]. */
  lagMinutes: readonly [number, number];
  /** Measurement times start this many minutes after the local hour (Mongolia reported at :30). */
  slotShiftMinutes: number;
  /** Typical PM2.5 in µg/m³ (the region's pollution). */
  pm25Typical: number;
  /** Typical SO2 in ppb. */
  so2Typical: number;
  /** Location names (unless the anchor has its own), turned into a station's name by `nameOf`. */
  names: readonly string[];
  /** Station name from a drawn name and the anchor (e.g. "US Diplomatic Post: Dhaka"). */
  nameOf: (name: string, anchor: Anchor) => string;
}

const UG = 'µg/m³';

const plain = (name: string): string => name;

/** An anchor, positionally: city, country, latitude, longitude, standard UTC offset, daylight rule. */
function at(
  city: string,
  country: string,
  lat: number,
  lng: number,
  utcOffset: number,
  daylight: DaylightRule,
  extra: Pick<Anchor, 'sourceName' | 'attribution' | 'names'> = {},
): Anchor {
  return { city, country, lat, lng, utcOffset, daylight, ...extra };
}

const SPARTAN_SITES: Readonly<Record<string, string>> = {
  Beijing: 'Tsinghua University',
  Manila: 'Manila Observatory',
  Bandung: 'Institut Teknologi Bandung',
  Ilorin: 'University of Ilorin',
  Pretoria: 'CSIR',
  Rehovot: 'Weizmann Institute',
};

/** The sources, in a fixed order (the order matters for determinism). */
export const SOURCES: readonly SourceProfile[] = [
  {
    id: 'airnow',
    weight: 22,
    sourceName: 'AirNow',
    sourceType: 'government',
    attribution: '[{"name":"US EPA AirNow","url":"http://www.airnow.gov/"}]',
    anchors: [
      at('Los Angeles', 'US', 34.05, -118.25, -480, 'us'),
      at('Denver', 'US', 39.74, -104.99, -420, 'us'),
      at('Phoenix', 'US', 33.45, -112.07, -420, 'none'),
      at('Houston', 'US', 29.76, -95.37, -360, 'us'),
      at('Chicago', 'US', 41.88, -87.63, -360, 'us'),
      at('Atlanta', 'US', 33.75, -84.39, -300, 'us'),
      at('New York', 'US', 40.71, -74.01, -300, 'us'),
      at('Seattle', 'US', 47.61, -122.33, -480, 'us'),
      at('Anchorage', 'US', 61.22, -149.9, -540, 'us'),
      at('Honolulu', 'US', 21.31, -157.86, -600, 'none'),
      at('Toronto', 'CA', 43.65, -79.38, -300, 'us'),
    ],
    parameters: [
      { parameter: 'o3', share: 0.95, unit: 'ppm', decimals: 3 },
      { parameter: 'pm25', share: 0.55, unit: UG, decimals: 1 },
      { parameter: 'no2', share: 0.3, unit: 'ppm', decimals: 3 },
      { parameter: 'pm10', share: 0.2, unit: UG, decimals: 0 },
      { parameter: 'co', share: 0.15, unit: 'ppm', decimals: 2 },
      { parameter: 'so2', share: 0.1, unit: 'ppm', decimals: 3 },
    ],
    slotMinutes: 60,
    windowHours: 6,
    averaging: 'hour',
    coordinateDecimals: [4, 6],
    longitudeFirst: false,
    spreadDegrees: 0.4,
    lagMinutes: [20, 70],
    slotShiftMinutes: 0,
    pm25Typical: 8,
    so2Typical: 1.5,
    names: [
      'Downtown',
      'N. Main Street',
      'Near Road',
      'Airport',
      'Reseda',
      'Azusa',
      'Pasadena',
      'Lake Park',
      'Fire Station 4',
      'Hospital',
      'University',
      'East Side',
      'West End',
      'Harbor',
      'Mountain View',
    ],
    nameOf: (name, anchor) => `${anchor.city} - ${name}`,
  },
  {
    id: 'eea',
    weight: 28,
    sourceName: 'EEA',
    sourceType: 'government',
    attribution: '[{"name":"EEA","url":"http://www.eea.europa.eu/themes/air/air-quality"}]',
    anchors: [
      at('Paris', 'FR', 48.86, 2.35, 60, 'eu', {
        sourceName: 'EEA France',
        names: [
          'Paris 18ème',
          'Gennevilliers',
          'Boulevard Périphérique Est',
          'Vitry-sur-Seine',
          'Les Halles',
        ],
      }),
      at('Berlin', 'DE', 52.52, 13.4, 60, 'eu', {
        sourceName: 'EEA Germany',
        names: [
          'Neukölln-Nansenstraße',
          'Mitte, Brückenstraße',
          'Frankfurter Allee',
          'Grunewald',
          'Wedding',
        ],
      }),
      at('Madrid', 'ES', 40.42, -3.7, 60, 'eu', {
        sourceName: 'EEA Spain',
        names: [
          'Escuelas Aguirre',
          'Plaza de España',
          'Casa de Campo',
          'Barrio del Pilar',
          'Cuatro Caminos',
        ],
      }),
      at('Roma', 'IT', 41.9, 12.5, 60, 'eu', {
        sourceName: 'EEA Italy',
        names: ['Villa Ada', 'Cinecittà', 'Largo Magna Grecia', 'Fermi', 'Tenuta del Cavaliere'],
      }),
      at('Warszawa', 'PL', 52.23, 21.01, 60, 'eu', {
        sourceName: 'EEA Poland',
        names: ['Marszałkowska', 'Ursynów', 'Targówek', 'Komunikacyjna'],
      }),
      at('Wien', 'AT', 48.21, 16.37, 60, 'eu', {
        sourceName: 'EEA Austria',
        names: ['Taborstraße', 'Hermannskogel', 'Stephansplatz', 'Belgradplatz'],
      }),
      at('Athina', 'GR', 37.98, 23.73, 120, 'eu', {
        sourceName: 'EEA Greece',
        names: ['Patision', 'Marousi', 'Lykovrisi', 'Athinas'],
      }),
      at('Lisboa', 'PT', 38.72, -9.14, 0, 'eu', {
        sourceName: 'EEA Portugal',
        names: ['Avenida da Liberdade', 'Olivais', 'Entrecampos', 'Restelo'],
      }),
      at('Oslo', 'NO', 59.91, 10.75, 60, 'eu', {
        sourceName: 'Norway',
        names: ['Grensen', 'Kirkeveien', 'Hjortnes', 'Smestad'],
      }),
      at('London', 'GB', 51.51, -0.13, 0, 'eu', {
        sourceName: 'DEFRA',
        attribution:
          '[{"name":"Department for Environment, Food & Rural Affairs","url":"https://uk-air.defra.gov.uk/"}]',
        names: ['Marylebone Road', 'London Bloomsbury', 'London N. Kensington', 'Camden Kerbside'],
      }),
      at('Stockholm', 'SE', 59.33, 18.07, 60, 'eu', {
        sourceName: 'Sweden',
        attribution: '[{"name":"SLB","url":"http://slb.nu/slbanalys/luften-idag/"}]',
        names: [
          'Hornsgatan',
          'Sveavägen',
          'Folkungagatan',
          'E4/E20 Lilla Essingen',
          'Torkel Knutssonsgatan',
          'Sankt Eriksgatan',
        ],
      }),
      at('Reykjavík', 'IS', 64.15, -21.94, 0, 'none', {
        sourceName: 'EEA Iceland',
        names: ['Grensásvegur', 'Húsdýragarðurinn'],
      }),
    ],
    parameters: [
      { parameter: 'no2', share: 0.85, unit: UG, decimals: 1 },
      { parameter: 'o3', share: 0.85, unit: UG, decimals: 1 },
      { parameter: 'pm10', share: 0.6, unit: UG, decimals: 1 },
      { parameter: 'pm25', share: 0.45, unit: UG, decimals: 1 },
      { parameter: 'so2', share: 0.25, unit: UG, decimals: 1 },
      { parameter: 'co', share: 0.15, unit: UG, decimals: 0 },
      { parameter: 'bc', share: 0.1, unit: UG, decimals: 2 },
    ],
    slotMinutes: 60,
    windowHours: 12,
    averaging: 'hour',
    coordinateDecimals: [5, 8],
    longitudeFirst: false,
    spreadDegrees: 0.3,
    lagMinutes: [30, 110],
    slotShiftMinutes: 0,
    pm25Typical: 12,
    so2Typical: 1.5,
    names: [],
    nameOf: plain,
  },
  {
    id: 'israel',
    weight: 5,
    sourceName: 'Israel',
    sourceType: 'government',
    attribution:
      '[{"name":"Israel Ministry of Environmental Protection","url":"http://www.svivaaqm.net/"}]',
    anchors: [
      at('גוש דן', 'IL', 32.08, 34.78, 120, 'eu'),
      at('חיפה וקריות', 'IL', 32.79, 35.03, 120, 'eu'),
      at('ירושלים', 'IL', 31.77, 35.21, 120, 'eu'),
      at('צפון הנגב', 'IL', 31.25, 34.79, 120, 'eu'),
      at('מישור החוף הדרומי', 'IL', 31.67, 34.57, 120, 'eu'),
    ],
    parameters: [
      { parameter: 'no2', share: 0.9, unit: 'ppm', decimals: 4 },
      { parameter: 'so2', share: 0.75, unit: 'ppm', decimals: 4 },
      { parameter: 'o3', share: 0.75, unit: 'ppm', decimals: 4 },
      { parameter: 'co', share: 0.35, unit: 'ppm', decimals: 3 },
      { parameter: 'pm25', share: 0.25, unit: UG, decimals: 1 },
      { parameter: 'pm10', share: 0.25, unit: UG, decimals: 1 },
    ],
    slotMinutes: 15,
    windowHours: 6,
    averaging: 'quarter-unit-first',
    coordinateDecimals: [5, 6],
    longitudeFirst: false,
    spreadDegrees: 0.15,
    lagMinutes: [5, 30],
    slotShiftMinutes: 0,
    pm25Typical: 20,
    so2Typical: 1,
    names: [
      'לוט',
      'עפולה',
      'אילת 6',
      'עין דור',
      'תחנה מרכזית ירושלים',
      'ק.מוצקין בגין',
      'כביש 1 מוצא',
      'חדרה',
      'אחד העם',
      'גוש עציון',
      'קיסריה',
      'נוה יוסף',
      'באר שבע',
    ],
    nameOf: (name) => `תחנה:${name}`,
  },
  {
    id: 'cpcb',
    weight: 7,
    sourceName: 'CPCB',
    sourceType: 'government',
    attribution:
      '[{"name":"Central Pollution Control Board","url":"http://www.cpcb.gov.in/CAAQM"}]',
    anchors: [
      at('Delhi', 'IN', 28.61, 77.21, 330, 'none'),
      at('Mumbai', 'IN', 19.08, 72.88, 330, 'none'),
      at('Kolkata', 'IN', 22.57, 88.36, 330, 'none'),
      at('Bengaluru', 'IN', 12.97, 77.59, 330, 'none'),
    ],
    parameters: [
      { parameter: 'pm25', share: 0.95, unit: UG, decimals: 2 },
      { parameter: 'pm10', share: 0.9, unit: UG, decimals: 2 },
      { parameter: 'no2', share: 0.8, unit: UG, decimals: 2 },
      { parameter: 'o3', share: 0.8, unit: UG, decimals: 2 },
      { parameter: 'so2', share: 0.7, unit: UG, decimals: 2 },
      { parameter: 'co', share: 0.7, unit: UG, decimals: 2 },
    ],
    slotMinutes: 15,
    windowHours: 3,
    averaging: 'quarter',
    coordinateDecimals: [6, 7],
    longitudeFirst: false,
    spreadDegrees: 0.2,
    lagMinutes: [10, 60],
    slotShiftMinutes: 0,
    pm25Typical: 80,
    so2Typical: 5,
    names: [
      'Anand Vihar',
      'R K Puram',
      'Punjabi Bagh',
      'Mandir Marg',
      'Bandra',
      'Worli',
      'Victoria',
      'Rabindra Bharati University',
      'BTM Layout',
      'Peenya',
    ],
    nameOf: (name, anchor) => `${name}, ${anchor.city} - CPCB`,
  },
  {
    id: 'stateair',
    weight: 4,
    sourceName: 'StateAir',
    sourceType: 'government',
    attribution:
      '[{"name":"EPA AirNow DOS","url":"http://airnow.gov/index.cfm?action=airnow.global_summary"}]',
    anchors: [
      at('Dhaka', 'BD', 23.796, 90.425, 360, 'none', { sourceName: 'StateAir_Dhaka' }),
      at('Kathmandu', 'NP', 27.712, 85.316, 345, 'none', { sourceName: 'StateAir_Kathmandu' }),
      at('Hanoi', 'VN', 21.022, 105.819, 420, 'none', { sourceName: 'StateAir_Hanoi' }),
      at('Beijing', 'CN', 39.955, 116.467, 480, 'none', { sourceName: 'Beijing US Embassy' }),
      at('Chennai', 'IN', 13.088, 80.278, 330, 'none', { sourceName: 'StateAir_Chennai' }),
    ],
    parameters: [
      { parameter: 'pm25', share: 1, unit: UG, decimals: 0 },
      { parameter: 'o3', share: 0.25, unit: 'ppm', decimals: 3 },
    ],
    slotMinutes: 60,
    windowHours: 3,
    averaging: 'hour',
    coordinateDecimals: [5, 6],
    longitudeFirst: false,
    spreadDegrees: 0.05,
    lagMinutes: [10, 40],
    slotShiftMinutes: 0,
    pm25Typical: 55,
    so2Typical: 4,
    names: ['Embassy', 'Consulate', 'Phora Durbar', 'American Center'],
    nameOf: (name, anchor) => `US Diplomatic Post: ${anchor.city} ${name}`,
  },
  {
    id: 'sinca',
    weight: 4,
    sourceName: 'Chile - SINCA',
    sourceType: 'government',
    attribution:
      '[{"name":"SINCA","url":"http://sinca.mma.gob.cl/"},{"name":"Ministerio del Medio Ambiente"}]',
    anchors: [
      at('Santiago', 'CL', -33.45, -70.67, -240, 'none'),
      at('Concepción', 'CL', -36.83, -73.05, -240, 'none'),
      at('Temuco', 'CL', -38.74, -72.6, -240, 'none'),
    ],
    parameters: [
      { parameter: 'o3', share: 0.9, unit: UG, decimals: 2 },
      { parameter: 'pm25', share: 0.7, unit: UG, decimals: 2 },
      { parameter: 'pm10', share: 0.7, unit: UG, decimals: 2 },
      { parameter: 'no2', share: 0.6, unit: UG, decimals: 2 },
      { parameter: 'co', share: 0.5, unit: UG, decimals: 2 },
      { parameter: 'so2', share: 0.4, unit: UG, decimals: 2 },
    ],
    slotMinutes: 60,
    windowHours: 6,
    averaging: 'missing',
    coordinateDecimals: [6, 12],
    longitudeFirst: false,
    spreadDegrees: 0.15,
    lagMinutes: [20, 80],
    slotShiftMinutes: 0,
    pm25Typical: 25,
    so2Typical: 2,
    names: [
      'Independencia',
      'La Florida',
      'Las Condes',
      'El Bosque',
      'Cerro Navia',
      'Pudahuel',
      'Ñuñoa',
      'Puente Alto',
      'Talagante',
    ],
    nameOf: plain,
  },
  {
    id: 'pcd',
    weight: 5,
    sourceName: 'Thailand',
    sourceType: 'government',
    attribution:
      '[{"name":"Pollution Control Department","url":"http://www.aqmthai.com/index.php"}]',
    anchors: [
      at('Bangkok', 'TH', 13.75, 100.5, 420, 'none'),
      at('Samut Prakan', 'TH', 13.6, 100.6, 420, 'none'),
      at('Chiang Mai', 'TH', 18.79, 98.98, 420, 'none'),
      at('Khon Kaen', 'TH', 16.43, 102.83, 420, 'none'),
    ],
    parameters: [
      { parameter: 'pm10', share: 0.9, unit: UG, decimals: 0, averaging: 'day' },
      { parameter: 'o3', share: 0.8, unit: 'ppm', decimals: 3 },
      { parameter: 'no2', share: 0.7, unit: 'ppm', decimals: 3 },
      { parameter: 'co', share: 0.6, unit: 'ppm', decimals: 2 },
      { parameter: 'so2', share: 0.5, unit: 'ppm', decimals: 3 },
      { parameter: 'pm25', share: 0.4, unit: UG, decimals: 0, averaging: 'day' },
    ],
    slotMinutes: 60,
    windowHours: 6,
    averaging: 'hour',
    coordinateDecimals: [11, 12],
    longitudeFirst: true,
    spreadDegrees: 0.2,
    lagMinutes: [30, 90],
    slotShiftMinutes: 0,
    pm25Typical: 30,
    so2Typical: 2,
    names: [
      'Rama IV Rd., Pathum Wan',
      'Lat Phrao Rd., Wang Thonglang',
      'Bang Sao Thong, Bang Sao Thong',
      'Si Racha, Si Racha',
      'Pak Phriao, Mueang',
      'Chang Phueak, Mueang',
      'Nai Mueang, Mueang',
    ],
    nameOf: plain,
  },
  {
    id: 'agaar',
    weight: 3,
    sourceName: 'Agaar.mn',
    sourceType: 'government',
    attribution:
      '[{"name":"Agaar.mn","url":"http://agaar.mn/"},{"name":"National Agency of Meteorology and Environmental Monitoring","url":"http://namem.gov.mn"}]',
    anchors: [at('Ulaanbaatar', 'MN', 47.92, 106.92, 480, 'none')],
    parameters: [
      { parameter: 'pm25', share: 0.9, unit: UG, decimals: 0 },
      { parameter: 'pm10', share: 0.9, unit: UG, decimals: 0 },
      { parameter: 'so2', share: 0.8, unit: UG, decimals: 0 },
      { parameter: 'no2', share: 0.8, unit: UG, decimals: 0 },
      { parameter: 'co', share: 0.6, unit: UG, decimals: 0 },
      { parameter: 'o3', share: 0.5, unit: UG, decimals: 0 },
    ],
    slotMinutes: 60,
    windowHours: 4,
    averaging: 'missing',
    coordinateDecimals: [6, 7],
    longitudeFirst: false,
    spreadDegrees: 0.1,
    lagMinutes: [5, 40],
    slotShiftMinutes: 30,
    pm25Typical: 45,
    so2Typical: 8,
    names: [
      'Nisekh',
      'Tolgoit',
      'Baruun 4 zam',
      'Bukhiin urguu',
      '100 ail',
      'Mongol gazar',
      'Amgalan',
    ],
    nameOf: plain,
  },
  {
    id: 'nsw',
    weight: 6,
    sourceName: 'Australia - New South Wales',
    sourceType: 'government',
    attribution:
      '[{"name":"NSW - Office of Environment & Heritage","url":"http://www.environment.nsw.gov.au/"}]',
    anchors: [
      at('Sydney', 'AU', -33.87, 151.21, 600, 'none'),
      at('Newcastle', 'AU', -32.93, 151.78, 600, 'none'),
      at('Wollongong', 'AU', -34.42, 150.89, 600, 'none'),
    ],
    parameters: [
      { parameter: 'o3', share: 0.95, unit: 'ppb', decimals: 1 },
      { parameter: 'pm10', share: 0.8, unit: UG, decimals: 1 },
      { parameter: 'pm25', share: 0.6, unit: UG, decimals: 1 },
      { parameter: 'no2', share: 0.6, unit: 'ppb', decimals: 1 },
      { parameter: 'so2', share: 0.3, unit: 'ppb', decimals: 1 },
      { parameter: 'co', share: 0.2, unit: 'ppm', decimals: 2 },
    ],
    slotMinutes: 60,
    windowHours: 6,
    averaging: 'hour',
    coordinateDecimals: [4, 6],
    longitudeFirst: false,
    spreadDegrees: 0.3,
    lagMinutes: [15, 60],
    slotShiftMinutes: 0,
    pm25Typical: 8,
    so2Typical: 1,
    names: [
      'Rozelle',
      'Randwick',
      'Chullora',
      'Earlwood',
      'Liverpool',
      'Prospect',
      'St Marys',
      'Bargo',
      'Richmond',
    ],
    nameOf: plain,
  },
  {
    id: 'cetesb',
    weight: 5,
    sourceName: 'Sao Paulo',
    sourceType: 'government',
    attribution: '[{"name":"CETESB","url":"http://qualar.cetesb.sp.gov.br/"}]',
    anchors: [
      at('São Paulo', 'BR', -23.55, -46.63, -180, 'none'),
      at('Campinas', 'BR', -22.9, -47.06, -180, 'none'),
      at('Santos', 'BR', -23.96, -46.33, -180, 'none'),
    ],
    parameters: [
      { parameter: 'o3', share: 0.9, unit: UG, decimals: 0 },
      { parameter: 'pm10', share: 0.8, unit: UG, decimals: 0 },
      { parameter: 'no2', share: 0.5, unit: UG, decimals: 0 },
      { parameter: 'pm25', share: 0.4, unit: UG, decimals: 0 },
      { parameter: 'co', share: 0.3, unit: 'ppm', decimals: 1 },
      { parameter: 'so2', share: 0.3, unit: UG, decimals: 0 },
    ],
    slotMinutes: 60,
    windowHours: 8,
    averaging: 'sixty-minutes',
    coordinateDecimals: [6, 7],
    longitudeFirst: false,
    spreadDegrees: 0.2,
    lagMinutes: [20, 80],
    slotShiftMinutes: 0,
    pm25Typical: 18,
    so2Typical: 2,
    names: [
      'Pinheiros',
      'Ibirapuera',
      'Parque D.Pedro II',
      'Santana',
      'Congonhas',
      'Marg.Tietê-Pte Remédios',
      'Osasco',
      'Cid.Universitária-USP-Ipen',
    ],
    nameOf: plain,
  },
  {
    id: 'spartan',
    weight: 2,
    sourceName: 'Spartan',
    sourceType: 'research',
    attribution: '[{"name":"SPARTAN Network","url":"http://www.spartan-network.org/"}]',
    anchors: [
      at('Beijing', 'CN', 40.01, 116.333, 480, 'none'),
      at('Manila', 'PH', 14.635, 121.08, 480, 'none'),
      at('Bandung', 'ID', -6.888, 107.61, 420, 'none'),
      at('Ilorin', 'NG', 8.484, 4.675, 60, 'none'),
      at('Pretoria', 'ZA', -25.756, 28.28, 120, 'none'),
      at('Rehovot', 'IL', 31.907, 34.81, 120, 'eu'),
    ],
    parameters: [
      { parameter: 'pm25', share: 1, unit: UG, decimals: 1 },
      { parameter: 'bc', share: 0.5, unit: UG, decimals: 2 },
    ],
    slotMinutes: 60,
    windowHours: 24,
    averaging: 'hour',
    coordinateDecimals: [2, 3],
    longitudeFirst: false,
    spreadDegrees: 0.01,
    lagMinutes: [60, 240],
    slotShiftMinutes: 0,
    pm25Typical: 40,
    so2Typical: 2,
    names: ['Tsinghua University'],
    // Each SPARTAN site is one instrument at one institute: the name follows the city.
    nameOf: (name, anchor) => `SPARTAN - ${SPARTAN_SITES[anchor.city] ?? name}`,
  },
];
