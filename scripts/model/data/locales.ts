// Faker locales and language-specific vocabulary used to fill record templates.
import {
  fakerCS_CZ, fakerDA, fakerDE, fakerDE_AT, fakerDE_CH, fakerEN_GB, fakerEN_IE, fakerEN_IN, fakerEN_US, fakerES,
  fakerES_MX, fakerFI, fakerFR, fakerFR_BE, fakerFR_CH, fakerHR, fakerHU, fakerIT, fakerNB_NO, fakerNL, fakerNL_BE,
  fakerPL, fakerPT_BR, fakerPT_PT, fakerRO, fakerSK, fakerSV, fakerTR, fakerVI, fakerEN_NG, fakerEN_ZA, fakerID_ID,
  type Faker,
} from '@faker-js/faker';

export const LANGS = ['en', 'de', 'fr', 'es', 'it', 'nl'] as const;
export type Lang = (typeof LANGS)[number];

/** Locales whose addresses and names fill records of each language. */
export const HOME: Record<Lang, Faker[]> = {
  en: [fakerEN_US, fakerEN_GB, fakerEN_IE],
  de: [fakerDE, fakerDE_AT, fakerDE_CH],
  fr: [fakerFR, fakerFR_BE, fakerFR_CH],
  es: [fakerES, fakerES_MX],
  it: [fakerIT],
  nl: [fakerNL, fakerNL_BE],
};

/** Other locales that lend names: customers are international whatever the record's language. */
export const FOREIGN: Faker[] = [
  fakerPL, fakerCS_CZ, fakerTR, fakerSV, fakerDA, fakerFI, fakerNB_NO, fakerHU, fakerRO, fakerSK, fakerHR,
  fakerPT_BR, fakerPT_PT, fakerEN_IN, fakerVI, fakerEN_NG, fakerEN_ZA, fakerID_ID,
];

export const ALL: Faker[] = [...Object.values(HOME).flat(), ...FOREIGN];

export const TITLES: Record<Lang, string[]> = {
  en: ['Mr.', 'Mrs.', 'Ms.', 'Dr.', 'Mr', 'Mrs', 'Miss', 'Prof.'],
  de: ['Herr', 'Frau', 'Hr.', 'Fr.', 'Dr.', 'Herrn', 'Prof. Dr.'],
  fr: ['M.', 'Mme', 'Mlle', 'Monsieur', 'Madame', 'Me', 'Dr'],
  es: ['Sr.', 'Sra.', 'Srta.', 'Don', 'Doña', 'D.', 'Dña.'],
  it: ['Sig.', 'Sig.ra', 'Dott.', 'Dott.ssa', 'Ing.', 'Avv.', 'signor'],
  nl: ['Dhr.', 'Mevr.', 'mw.', 'meneer', 'mevrouw', 'dhr', 'Mr.'],
};

/** Real places, so that the model does not learn only faker's invented city names. */
export const CITIES: Record<Lang, string[]> = {
  en: ['London', 'Manchester', 'Dublin', 'Boston', 'Chicago', 'Seattle', 'Leeds', 'Glasgow', 'Austin', 'Denver',
    'Bristol', 'Cork', 'San Francisco', 'New York', 'Toronto', 'Sydney', 'Edinburgh', 'Cardiff', 'Phoenix', 'Atlanta'],
  de: ['Berlin', 'München', 'Hamburg', 'Köln', 'Frankfurt am Main', 'Stuttgart', 'Düsseldorf', 'Leipzig', 'Dresden',
    'Wien', 'Graz', 'Zürich', 'Bern', 'Basel', 'Nürnberg', 'Bremen', 'Hannover', 'Freiburg im Breisgau', 'Mainz', 'Linz'],
  fr: ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Bordeaux', 'Lille', 'Strasbourg', 'Rennes', 'Nice',
    'Bruxelles', 'Liège', 'Genève', 'Lausanne', 'Montpellier', 'Grenoble', 'Aix-en-Provence', 'Saint-Étienne', 'Namur'],
  es: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Zaragoza', 'Málaga', 'Bilbao', 'Alicante', 'Córdoba',
    'Valladolid', 'Vigo', 'Granada', 'Palma de Mallorca', 'Las Palmas', 'Guadalajara', 'Monterrey', 'Ciudad de México'],
  it: ['Roma', 'Milano', 'Napoli', 'Torino', 'Palermo', 'Genova', 'Bologna', 'Firenze', 'Bari', 'Catania', 'Venezia',
    'Verona', 'Padova', 'Trieste', 'Brescia', 'Parma', 'Reggio Emilia', 'Perugia', 'Cagliari', 'Bolzano'],
  nl: ['Amsterdam', 'Rotterdam', 'Den Haag', 'Utrecht', 'Eindhoven', 'Groningen', 'Tilburg', 'Almere', 'Breda',
    'Nijmegen', 'Antwerpen', 'Gent', 'Leuven', 'Maastricht', 'Haarlem', 'Arnhem', "'s-Hertogenbosch", 'Zwolle'],
};

/** Nouns that turn a first name or a street word into a product name: hard negatives. */
export const PRODUCT_NOUNS = ['Pro', 'Max', 'Chair', 'Desk', 'Lamp', 'Headset', 'Router', 'Edition', 'Bundle', 'Kit',
  'Sofa', 'Jacket', 'Sneaker', 'Mixer', 'Drill', 'Tablet', 'Series', 'Collection', 'Plus', 'Mini', 'XL', 'Lite'];
