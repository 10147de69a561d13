import { definePatternRecognizer } from './pattern-recognizer.js';

/** Country names in English and in the six languages (where they differ), as they appear in addresses. */
const COUNTRIES = [
  'Afghanistan', 'Albania', 'Algeria', 'Andorra', 'Angola', 'Argentina', 'Armenia', 'Australia', 'Austria', 'Azerbaijan',
  'Bahrain', 'Bangladesh', 'Belarus', 'Belgium', 'Bolivia', 'Bosnia and Herzegovina', 'Brazil', 'Bulgaria', 'Cambodia',
  'Cameroon', 'Canada', 'Chile', 'China', 'Colombia', 'Costa Rica', 'Croatia', 'Cuba', 'Cyprus', 'Czech Republic',
  'Czechia', 'Denmark', 'Dominican Republic', 'Ecuador', 'Egypt', 'Estonia', 'Ethiopia', 'Finland', 'France',
  'Georgia', 'Germany', 'Ghana', 'Greece', 'Greenland', 'Guatemala', 'Hungary', 'Iceland', 'India', 'Indonesia', 'Iran',
  'Iraq', 'Ireland', 'Israel', 'Italy', 'Jamaica', 'Japan', 'Jordan', 'Kazakhstan', 'Kenya', 'Kuwait', 'Latvia',
  'Lebanon', 'Liechtenstein', 'Lithuania', 'Luxembourg', 'Malaysia', 'Malta', 'Mexico', 'Moldova', 'Monaco',
  'Mongolia', 'Montenegro', 'Morocco', 'Nepal', 'Netherlands', 'New Zealand', 'Nigeria', 'North Macedonia', 'Norway',
  'Pakistan', 'Panama', 'Paraguay', 'Peru', 'Philippines', 'Poland', 'Portugal', 'Qatar', 'Romania', 'Russia',
  'San Marino', 'Saudi Arabia', 'Senegal', 'Serbia', 'Singapore', 'Slovakia', 'Slovenia', 'South Africa', 'South Korea',
  'Spain', 'Sri Lanka', 'Sweden', 'Switzerland', 'Taiwan', 'Thailand', 'Tunisia', 'Turkey', 'Ukraine',
  'United Arab Emirates', 'United Kingdom', 'United States', 'Uruguay', 'Venezuela', 'Vietnam',
  'Deutschland', 'Österreich', 'Schweiz', 'Frankreich', 'Italien', 'Spanien', 'Niederlande', 'Belgien', 'Polen',
  'Dänemark', 'Schweden', 'Norwegen', 'Finnland', 'Griechenland', 'Großbritannien', 'Vereinigte Staaten', 'Tschechien',
  'Allemagne', 'Autriche', 'Suisse', 'Italie', 'Espagne', 'Pays-Bas', 'Belgique', 'Pologne', 'Danemark', 'Suède',
  'Norvège', 'Grèce', 'Royaume-Uni', 'États-Unis', 'Alemania', 'Suiza', 'Francia', 'Italia', 'España', 'Países Bajos',
  'Bélgica', 'Polonia', 'Suecia', 'Noruega', 'Grecia', 'Reino Unido', 'Estados Unidos', 'Germania', 'Svizzera',
  'Spagna', 'Paesi Bassi', 'Belgio', 'Svezia', 'Norvegia', 'Regno Unito', 'Stati Uniti', 'Duitsland', 'Oostenrijk',
  'Zwitserland', 'Frankrijk', 'Italië', 'Spanje', 'Nederland', 'België', 'Polen', 'Denemarken', 'Zweden', 'Noorwegen',
  'Griekenland', 'Verenigd Koninkrijk', 'Verenigde Staten',
];
const COUNTRY = new RegExp(`(?<![\\p{L}\\p{N}])(?:${[...new Set(COUNTRIES)].sort((a, b) => b.length - a.length).join('|')})(?![\\p{L}\\p{N}])`, 'gu');

export const country = definePatternRecognizer({ name: 'pattern:country', type: 'LOCATION', patterns: [{ regex: COUNTRY, score: 0.6 }] });
