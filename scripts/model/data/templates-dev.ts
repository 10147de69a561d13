// Dev templates: sentence shapes the training split never saw, to measure generalisation.
import type { Lang } from './locales.js';

export const DEV: Record<Lang | 'any', string[]> = {
  any: [
    '{date} {time} DEBUG AccountMerge survivor={id} owner="{per}" billing_city={city} postal={post}',
    'shipment {order} -> {addr} (carrier ref {sku}, {qty} parcels)',
    '{"Name":"{fl}","BillingStreet":"{street}","Product__c":"{product}"}',
  ],
  en: [
    'Per {per}, the {product} shipment to {city} is delayed until {date}.',
    'Could someone ring {title} {last} back? Number on file: {phone}. Lives near {street}.',
    'New web-to-lead: {fl}, {company}, {country}. Wants a demo of {product}.',
    'Courier left the box with {first} at {addr}.',
    '{product} from {company} outsold the {product} line in {city} last quarter.',
  ],
  de: [
    'Laut {per} verzögert sich die Lieferung von {product} nach {city} bis {date}.',
    'Bitte {title} {last} zurückrufen, Nummer {phone}. Wohnt in der Nähe der {street}.',
    'Neuer Web-Lead: {fl}, {company}, {country}. Möchte eine Demo von {product}.',
    'Der Kurier hat das Paket bei {first} in {addr} abgegeben.',
  ],
  fr: [
    "D'après {per}, la livraison de {product} vers {city} est reportée au {date}.",
    'Pouvez-vous rappeler {title} {last} au {phone} ? Habite près du {street}.',
    'Nouveau lead web : {fl}, {company}, {country}. Souhaite une démo de {product}.',
    'Le livreur a laissé le carton à {first}, {addr}.',
  ],
  es: [
    'Según {per}, el envío de {product} a {city} se retrasa hasta el {date}.',
    '¿Alguien puede llamar a {title} {last}? Teléfono {phone}. Vive cerca de {street}.',
    'Nuevo lead web: {fl}, {company}, {country}. Quiere una demo de {product}.',
    'El mensajero dejó la caja a {first} en {addr}.',
  ],
  it: [
    'Secondo {per}, la consegna di {product} a {city} slitta al {date}.',
    'Qualcuno può richiamare {title} {last}? Telefono {phone}. Abita vicino a {street}.',
    'Nuovo lead dal sito: {fl}, {company}, {country}. Vuole una demo di {product}.',
    'Il corriere ha lasciato il pacco a {first} in {addr}.',
  ],
  nl: [
    'Volgens {per} is de levering van {product} naar {city} uitgesteld tot {date}.',
    'Kan iemand {title} {last} terugbellen? Nummer {phone}. Woont vlakbij {street}.',
    'Nieuwe weblead: {fl}, {company}, {country}. Wil een demo van {product}.',
    'De koerier heeft de doos bij {first} op {addr} afgegeven.',
  ],
};
