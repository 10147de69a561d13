import type { Lang } from './lexicon.js';

/** Where a record comes from in the org; each kind has its own templates. */
export type RecordKind = 'case' | 'email' | 'delivery' | 'chat' | 'log';

/**
 * Record templates. `{slot}` is filled by the generator: entity slots (person, first, email, phone, card, iban,
 * natid, dob, street, city, ip, url, passport, medical, secret, token) are labelled; look-alike slots (order, sku,
 * tracking, recordid, invoice, timestamp, version, product, date, badcard, badiban, badid) are recorded as hard
 * negatives.
 */
export const TEMPLATES: Record<Lang, Record<Exclude<RecordKind, 'log'>, string[]>> = {
  en: {
    case: [
      'Customer {person} called about order {order}. Card {card} was charged twice; please refund. Callback on {phone}.',
      'Refund request for invoice {invoice}: customer {person} ({email}) says SKU {sku} arrived broken. Tracking {tracking}.',
      'Account holder {person}, born {dob}, SSN {natid}, asked to update the address to {street}, {city}.',
      'Logged from {ip} at {timestamp}; case {recordid} reopened after firmware version {version} update on {product}. Rejected SSN {badid}.',
    ],
    email: [
      'Hi team,\nthis is {person}. My order {order} was delivered on {date} to the wrong address. Please send it to {street}, {city}. You can reach me at {phone}.\nThanks, {first}',
      'From: {email}\nSubject: payment failed\nI tried card {badcard} and then {card}. My IBAN is {iban} if a transfer is easier. Regards, {person}',
      'Hello, I am writing on behalf of my mother {person}. She has {medical} and cannot come to the store. Her passport number is {passport}.',
    ],
    delivery: [
      'Deliver to {person}, {street}, {city}. Ring {phone} on arrival. Parcel {tracking}, order {order}, {product}.',
      'Leave with neighbour at {street}. Invoice {invoice} paid. Shipped {date}, SKU {sku}.',
    ],
    chat: [
      'Agent: Hi, how can I help?\nVisitor: Hi, I am {person}, my email is {email}.\nAgent: Thanks {first}, I see order {order}.\nVisitor: my password: {secret} does not work',
      'Visitor: the app {product} crashes since version {version}\nAgent: which account?\nVisitor: {email}, phone {phone}',
    ],
  },
  de: {
    case: [
      'Kunde {person} meldet, dass Bestellung {order} nicht angekommen ist. Rückruf unter {phone}. Sendungsnummer {tracking}.',
      'Frau {person} (geboren am {dob}) bittet um Änderung der Bankverbindung auf IBAN {iban}. Steuer-ID {natid}.',
      'Rechnung {invoice} doppelt abgebucht von Karte {card}. Artikel {sku}, {product}. Ticket {recordid}.',
      'Zugriff von {ip} am {timestamp}; Update auf Version {version} erfolgt. Falsche IBAN {badiban} und ungültige Steuer-ID {badid} im Formular.',
    ],
    email: [
      'Sehr geehrte Damen und Herren,\nmeine Bestellung {order} wurde am {date} geliefert, aber falsch. Bitte an {street}, {city} senden.\nMit freundlichen Grüßen\n{person}\nTel. {phone}',
      'Von: {email}\nBetreff: Zahlung\nMeine Kreditkarte {card} wurde abgelehnt. Die alte Nummer {badcard} gilt nicht mehr. Gruß, {first}',
      'Hallo, mein Vater {person} hat {medical} und kann nicht selbst kommen. Seine Reisepass-Nr. ist {passport}.',
    ],
    delivery: [
      'Lieferung an {person}, {street}, {city}. Bitte vorher anrufen: {phone}. Paket {tracking}, Bestellnr. {order}.',
      'Beim Nachbarn abgeben, {street}. Rechnung {invoice} bezahlt. Versand am {date}, Artikel {sku}.',
    ],
    chat: [
      'Agent: Guten Tag, wie kann ich helfen?\nBesucher: Hallo, ich bin {person}, meine E-Mail ist {email}.\nAgent: Danke {first}, ich sehe Bestellung {order}.\nBesucher: mein Passwort: {secret} geht nicht',
      'Besucher: die App {product} stürzt seit Version {version} ab\nAgent: welches Konto?\nBesucher: {email}, Handy {phone}',
    ],
  },
  fr: {
    case: [
      'Le client {person} signale que la commande {order} n’est pas arrivée. Rappeler au {phone}. Suivi {tracking}.',
      'Mme {person}, née le {dob}, numéro de sécurité sociale {natid}, demande un changement d’IBAN : {iban}.',
      'Facture {invoice} débitée deux fois sur la carte {card}. Article {sku}, {product}. Dossier {recordid}.',
      'Connexion depuis {ip} le {timestamp} ; mise à jour vers la version {version}. IBAN erroné {badiban}, NIR invalide {badid}.',
    ],
    email: [
      'Bonjour,\nma commande {order} a été livrée le {date} à la mauvaise adresse. Merci de l’envoyer au {street}, {city}.\nCordialement,\n{person}\nTél. {phone}',
      'De : {email}\nObjet : paiement refusé\nMa carte {card} a été refusée, l’ancienne {badcard} n’est plus valable. Merci, {first}',
      'Bonjour, ma mère {person} souffre de {medical} et ne peut pas se déplacer. Son numéro de passeport est {passport}.',
    ],
    delivery: [
      'Livrer à {person}, {street}, {city}. Appeler le {phone} à l’arrivée. Colis {tracking}, commande {order}.',
      'Déposer chez le voisin, {street}. Facture {invoice} réglée. Expédié le {date}, article {sku}.',
    ],
    chat: [
      'Agent : Bonjour, comment puis-je vous aider ?\nVisiteur : Bonjour, je suis {person}, mon e-mail est {email}.\nAgent : Merci {first}, je vois la commande {order}.\nVisiteur : mon mot de passe : {secret} ne marche pas',
      'Visiteur : l’application {product} plante depuis la version {version}\nAgent : quel compte ?\nVisiteur : {email}, portable {phone}',
    ],
  },
  es: {
    case: [
      'El cliente {person} indica que el pedido {order} no ha llegado. Llamar al {phone}. Seguimiento {tracking}.',
      'La señora {person}, nacida el {dob}, con DNI {natid}, pide cambiar la cuenta a IBAN {iban}.',
      'Factura {invoice} cobrada dos veces en la tarjeta {card}. Artículo {sku}, {product}. Caso {recordid}.',
      'Acceso desde {ip} el {timestamp}; actualizado a la versión {version}. IBAN incorrecto {badiban}, DNI no válido {badid}.',
    ],
    email: [
      'Hola,\nmi pedido {order} se entregó el {date} en otra dirección. Por favor, envíenlo a {street}, {city}.\nSaludos,\n{person}\nTeléfono {phone}',
      'De: {email}\nAsunto: pago rechazado\nMi tarjeta {card} fue rechazada; la antigua {badcard} ya no vale. Gracias, {first}',
      'Hola, mi padre {person} tiene {medical} y no puede venir a la tienda. Su número de pasaporte es {passport}.',
    ],
    delivery: [
      'Entregar a {person}, {street}, {city}. Llamar al {phone} al llegar. Paquete {tracking}, pedido {order}.',
      'Dejar con el vecino, {street}. Factura {invoice} pagada. Enviado el {date}, artículo {sku}.',
    ],
    chat: [
      'Agente: Hola, ¿en qué puedo ayudar?\nVisitante: Hola, soy {person}, mi correo es {email}.\nAgente: Gracias {first}, veo el pedido {order}.\nVisitante: mi contraseña: {secret} no funciona',
      'Visitante: la app {product} se cierra desde la versión {version}\nAgente: ¿qué cuenta?\nVisitante: {email}, móvil {phone}',
    ],
  },
  it: {
    case: [
      'Il cliente {person} segnala che l’ordine {order} non è arrivato. Richiamare al {phone}. Spedizione {tracking}.',
      'La signora {person}, nata il {dob}, codice fiscale {natid}, chiede di cambiare IBAN in {iban}.',
      'Fattura {invoice} addebitata due volte sulla carta {card}. Articolo {sku}, {product}. Pratica {recordid}.',
      'Accesso da {ip} il {timestamp}; aggiornamento alla versione {version}. IBAN errato {badiban}, codice fiscale non valido {badid}.',
    ],
    email: [
      'Buongiorno,\nil mio ordine {order} è stato consegnato il {date} all’indirizzo sbagliato. Vi prego di spedirlo a {street}, {city}.\nCordiali saluti,\n{person}\nTel. {phone}',
      'Da: {email}\nOggetto: pagamento rifiutato\nLa mia carta {card} è stata rifiutata, la vecchia {badcard} non vale più. Grazie, {first}',
      'Salve, mia madre {person} ha la {medical} e non può venire in negozio. Il suo numero di passaporto è {passport}.',
    ],
    delivery: [
      'Consegnare a {person}, {street}, {city}. Chiamare il {phone} all’arrivo. Pacco {tracking}, ordine {order}.',
      'Lasciare al vicino, {street}. Fattura {invoice} pagata. Spedito il {date}, articolo {sku}.',
    ],
    chat: [
      'Operatore: Buongiorno, come posso aiutarla?\nVisitatore: Salve, sono {person}, la mia email è {email}.\nOperatore: Grazie {first}, vedo l’ordine {order}.\nVisitatore: la mia password: {secret} non funziona',
      'Visitatore: l’app {product} si chiude dalla versione {version}\nOperatore: quale account?\nVisitatore: {email}, cellulare {phone}',
    ],
  },
  nl: {
    case: [
      'Klant {person} meldt dat bestelling {order} niet is aangekomen. Terugbellen op {phone}. Zending {tracking}.',
      'Mevrouw {person}, geboren op {dob}, BSN {natid}, vraagt het rekeningnummer te wijzigen naar IBAN {iban}.',
      'Factuur {invoice} twee keer afgeschreven van kaart {card}. Artikel {sku}, {product}. Dossier {recordid}.',
      'Toegang vanaf {ip} op {timestamp}; bijgewerkt naar versie {version}. Onjuiste IBAN {badiban}, ongeldig BSN {badid}.',
    ],
    email: [
      'Beste,\nmijn bestelling {order} is op {date} op het verkeerde adres bezorgd. Stuur het alstublieft naar {street}, {city}.\nMet vriendelijke groet,\n{person}\nTel. {phone}',
      'Van: {email}\nOnderwerp: betaling geweigerd\nMijn creditcard {card} werd geweigerd, de oude {badcard} is niet meer geldig. Groet, {first}',
      'Hallo, mijn vader {person} heeft {medical} en kan niet naar de winkel komen. Zijn paspoortnummer is {passport}.',
    ],
    delivery: [
      'Bezorgen bij {person}, {street}, {city}. Bel {phone} bij aankomst. Pakket {tracking}, bestelling {order}.',
      'Afgeven bij de buren, {street}. Factuur {invoice} betaald. Verzonden op {date}, artikel {sku}.',
    ],
    chat: [
      'Medewerker: Hallo, waarmee kan ik helpen?\nBezoeker: Hoi, ik ben {person}, mijn e-mail is {email}.\nMedewerker: Bedankt {first}, ik zie bestelling {order}.\nBezoeker: mijn wachtwoord: {secret} werkt niet',
      'Bezoeker: de app {product} crasht sinds versie {version}\nMedewerker: welk account?\nBezoeker: {email}, mobiel {phone}',
    ],
  },
};

/** Integration-log JSON, the same shape in every language (values are localised by the generator). */
export const LOG_TEMPLATES = [
  '{"level":"ERROR","ts":"{timestamp}","job":"{recordid}","msg":"upsert failed","payload":{"Email":"{email}","Phone":"{phone}","MailingCity":"{city}"}}',
  '{"level":"WARN","ts":"{timestamp}","client":"{ip}","auth":"Bearer {token}","order":"{order}","sku":"{sku}","version":"{version}"}',
  '{"level":"INFO","ts":"{timestamp}","event":"payment","invoice":"{invoice}","iban":"{iban}","holder":"{person}"}',
];
