import type { CountryCode } from 'libphonenumber-js';

export type Lang = 'en' | 'de' | 'fr' | 'es' | 'it' | 'nl';

export interface Lexicon {
  firstNames: string[];
  lastNames: string[];
  cities: string[];
  streets: string[];
  /** Street and house number in the local order, e.g. "Hauptstraße 12" or "12 Baker Street". */
  address: (street: string, number: number) => string;
  regions: CountryCode[];
  ibanCountry: string;
  medical: string[];
  /** How people write a date there. */
  date: (d: number, m: number, y: number) => string;
}

const dmy = (sep: string) => (d: number, m: number, y: number) => `${String(d).padStart(2, '0')}${sep}${String(m).padStart(2, '0')}${sep}${y}`;

export const LEXICONS: Record<Lang, Lexicon> = {
  en: {
    firstNames: ['James', 'Olivia', 'Emily', 'Michael', 'Sarah', 'David', 'Grace', 'Thomas', 'Hannah', 'Daniel'],
    lastNames: ['Smith', 'Johnson', 'Walker', 'Brown', 'Taylor', 'Harris', 'Clarke', 'Wright', 'Evans', 'Turner'],
    cities: ['London', 'Manchester', 'Boston', 'Chicago', 'Leeds', 'Seattle', 'Denver', 'Bristol'],
    streets: ['Baker Street', 'Oak Avenue', 'High Street', 'Maple Drive', 'Church Road', 'Elm Street'],
    address: (s, n) => `${n} ${s}`,
    regions: ['US', 'GB'],
    ibanCountry: 'GB',
    medical: ['diabetes', 'asthma', 'depression', 'epilepsy', 'chemotherapy', 'pregnancy'],
    date: (d, m, y) => `${m}/${d}/${y}`,
  },
  de: {
    firstNames: ['Jürgen', 'Sabine', 'Lukas', 'Anna', 'Matthias', 'Katrin', 'Felix', 'Ursula', 'Jonas', 'Lea'],
    lastNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer', 'Koch'],
    cities: ['Berlin', 'München', 'Hamburg', 'Köln', 'Frankfurt', 'Stuttgart', 'Leipzig', 'Dresden'],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Schillerstraße', 'Lindenallee', 'Am Markt'],
    address: (s, n) => `${s} ${n}`,
    regions: ['DE'],
    ibanCountry: 'DE',
    medical: ['Diabetes', 'Asthma', 'Depression', 'Epilepsie', 'Chemotherapie', 'Schwangerschaft'],
    date: dmy('.'),
  },
  fr: {
    firstNames: ['Camille', 'Louis', 'Chloé', 'Hugo', 'Léa', 'Mathieu', 'Élodie', 'Julien', 'Manon', 'Antoine'],
    lastNames: ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Laurent', 'Girard', 'Rousseau', 'Fontaine', 'Mercier'],
    cities: ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Bordeaux', 'Nantes', 'Lille', 'Strasbourg'],
    streets: ['rue de la Paix', 'avenue Victor Hugo', 'boulevard Voltaire', 'rue des Lilas', 'place de la République'],
    address: (s, n) => `${n} ${s}`,
    regions: ['FR'],
    ibanCountry: 'FR',
    medical: ['diabète', 'asthme', 'dépression', 'épilepsie', 'chimiothérapie', 'grossesse'],
    date: dmy('/'),
  },
  es: {
    firstNames: ['Lucía', 'Javier', 'Carmen', 'Alejandro', 'Sofía', 'Pablo', 'Marta', 'Diego', 'Elena', 'Sergio'],
    lastNames: ['García', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Díaz', 'Moreno'],
    cities: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao', 'Málaga', 'Zaragoza', 'Granada'],
    streets: ['Calle Mayor', 'Avenida de la Constitución', 'Calle del Sol', 'Paseo de Gracia', 'Calle Real'],
    address: (s, n) => `${s} ${n}`,
    regions: ['ES'],
    ibanCountry: 'ES',
    medical: ['diabetes', 'asma', 'depresión', 'epilepsia', 'quimioterapia', 'embarazo'],
    date: dmy('/'),
  },
  it: {
    firstNames: ['Giulia', 'Marco', 'Francesca', 'Luca', 'Chiara', 'Alessandro', 'Sara', 'Matteo', 'Elena', 'Davide'],
    lastNames: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco'],
    cities: ['Roma', 'Milano', 'Napoli', 'Torino', 'Bologna', 'Firenze', 'Genova', 'Verona'],
    streets: ['Via Roma', 'Via Garibaldi', 'Corso Vittorio Emanuele', 'Via Dante', 'Piazza Verdi'],
    address: (s, n) => `${s} ${n}`,
    regions: ['IT'],
    ibanCountry: 'IT',
    medical: ['diabete', 'asma', 'depressione', 'epilessia', 'chemioterapia', 'gravidanza'],
    date: dmy('/'),
  },
  nl: {
    firstNames: ['Daan', 'Sanne', 'Bram', 'Fleur', 'Jeroen', 'Lotte', 'Sem', 'Femke', 'Thijs', 'Noor'],
    lastNames: ['de Jong', 'Jansen', 'de Vries', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'],
    cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'Eindhoven', 'Groningen', 'Leiden', 'Haarlem', 'Delft'],
    streets: ['Kerkstraat', 'Dorpsstraat', 'Stationsweg', 'Molenlaan', 'Prinsengracht', 'Julianastraat'],
    address: (s, n) => `${s} ${n}`,
    regions: ['NL'],
    ibanCountry: 'NL',
    medical: ['diabetes', 'astma', 'depressie', 'epilepsie', 'chemotherapie', 'zwangerschap'],
    date: dmy('-'),
  },
};
