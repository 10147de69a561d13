// Training records in the shapes of CRM exports and side channels rather than sentences, for the broader training
// corpus (`generate.ts --broad`, which the shipped weights train on, see the model card): web forms, call transcripts with speaker
// turns, survey answers, marketplace messages signed with a first name, shift handover bullets, key=value and JSON
// integration logs (ALL-CAPS and "LAST, FIRST" names, error codes in capitals), CSV exports with a header line, order
// notes with brand catalogue lines (brands named after people are not people), and lone field values. The dev split
// never sees these.
import type { Random as Rng } from '../../../sidecar/src/synthetic/random.js';
import type { Lang } from './locales.js';
import type { Piece } from './slots.js';

/** Turns a template into pieces; `plain` keeps its words as written (field names, headers, keys). */
type Fill = (template: string, plain?: boolean) => Piece[];

interface Words {
  agent: string[];
  caller: string[];
  fillers: string[];
  agentLines: string[];
  callerLines: string[];
  rating: string[];
  comments: string[];
  buyer: string[];
  messages: string[];
  signoffs: string[];
  handover: string[];
  bullets: string[];
  orderHead: string[];
  orderLines: string[];
  labels: string[];
  logMessages: string[];
  /** Web form names and the labels of their lines (name, e-mail, company, phone, message, country, in that order). */
  forms: string[];
  formFields: string[];
  /** Lines about payment and identity documents: capitalised words ("IBAN", "Carte", "Passport") that are no names. */
  payment: string[];
}

const W: Record<Lang, Words> = {
  en: {
    agent: ['Agent', 'Rep', 'Support', 'AGENT', 'Advisor'],
    caller: ['Caller', 'Customer', 'CUSTOMER', 'Client', 'Visitor'],
    fillers: ['um', 'uh', 'right', 'okay', 'sure', 'mhm', 'one moment please', 'let me check that'],
    agentLines: [
      'thanks for calling, who am I speaking with?',
      'can I take your full name please?',
      'and the postcode on the account?',
      'could you confirm the delivery address?',
      'which town is that in?',
      'is that {first} as in the first name?',
      'I can see an order for {per} here.',
      'let me put you through to {first} in billing.',
      'my colleague {fl} will call you back.',
    ],
    callerLines: [
      "yes hi, it's {fl}",
      'my name is {per}',
      'this is {fl} speaking',
      'uh {fl}, {last} with two words',
      "it's {postal}",
      'the address is {postal}',
      "I moved to {city} last month, it's {street} now",
      'postcode {post}, in {city}',
      'the account is under my wife, {fl}',
      '{first} from your {city} office said you would call',
      'yes, {city}, {country}',
      "I'm calling for my father {fl}",
      'we ordered the {brand} {product} and it never came',
    ],
    rating: ['NPS {n}/10', 'Score: {n}/10', 'Rating {s}/5', 'How likely are you to recommend us? {n}', 'Satisfaction: {s} of 5'],
    comments: [
      '{first} at the {city} store sorted everything out in minutes.',
      'Delivery to {city} took two weeks, far too slow.',
      'ask for {first}, she knows what she is doing',
      'The technician, {fl}, was polite and on time.',
      'Nobody called me back even though {first} promised to.',
      'great service from {first} and {first}!!',
      'I had to drive to {city} to collect the parcel myself.',
      'Product is fine. Support not so much.',
      'The {brand} kettle broke after a week.',
      'Thanks to {fl} for the quick refund.',
      'would recommend, the shop on {street} is lovely',
    ],
    buyer: ['Buyer message', 'Message from buyer', 'Customer question', 'New message'],
    messages: [
      'Hello, my parcel shows as delivered but nothing arrived at {postal}.',
      'Can you send it to my office in {city} instead?',
      'The size is wrong, I need a return label please.',
      'Is the {brand} {product} still in stock?',
      'I ordered two but only got one. Order {order}.',
      'Please leave it with my neighbour {first} if I am out.',
      'My new address is {postal}.',
      'Tracking has not moved since it left {city}.',
    ],
    signoffs: ['\n-- {first}', '\nThanks, {first}', '\nCheers\n{first}', '\nRegards, {per}', '\n{first}', '\nBest, {fl}'],
    handover: ['Shift handover ({shift}) - open items:', 'Handover {shift}:', 'HANDOVER {shift} - still open', 'Notes for the next shift ({shift}):'],
    bullets: [
      'tours to {city}, {city} and {city} postponed',
      'order {num} still open',
      'call back {per} about the refund',
      '{fl} waiting for a courier slot, lives at {postal}',
      '{title} {last} complained again, see case {case}',
      'return from {city} still not scanned',
      '{first} (night shift) promised a replacement to {fl}',
      'parcel for {street} went to the wrong depot',
      'ask {first} whether {fl} was refunded',
      'chargeback from {country}, customer {per}',
      'printer in the {city} office is broken again',
      'nothing urgent',
    ],
    orderHead: ['Order {order}', 'ORDER {order}', 'Return {order}', 'Order no. {order}', 'Order {num}'],
    orderLines: [
      '{qty} x {brandp} {noun} ({sku})',
      '{BRANDP} {noun} {sku} x{qty}',
      '{brandp} - {noun}, size {size}, {amount} EUR',
      'Customer wants the {brandp} {noun} instead.',
      'Gift wrap, card to {first}: happy birthday!',
      'Ship to {per}, {postal}',
      'Deliver to the back door, ask for {first}.',
      'Swap {brandp} for {brandp}, same price.',
      'Stock line: {brandp} {noun} {sku}, shelf {qty}',
    ],
    labels: ['Name', 'Contact', 'Full name', 'Customer', 'Mailing address', 'City', 'Street', 'Account owner'],
    logMessages: ['duplicate value', 'required field missing', 'validation failed', 'timeout', 'bad request'],
    forms: ['Web form', 'Contact form', 'Web-to-Lead', 'Request a quote'],
    formFields: ['Name', 'E-mail', 'Email', 'Company', 'Phone', 'Message', 'Country'],
    payment: ['IBAN for the refund: {iban}', 'Card charged twice on {date}.', 'Passport number on file, please check.', 'BIC and IBAN were sent by post.'],
  },
  de: {
    agent: ['Agent', 'Mitarbeiter', 'Mitarbeiterin', 'Service', 'Berater'],
    caller: ['Anrufer', 'Kunde', 'Kundin', 'Anruferin', 'KUNDE'],
    fillers: ['ähm', 'ja', 'genau', 'okay', 'moment bitte', 'alles klar', 'mhm', 'einen Augenblick'],
    agentLines: [
      'mit wem spreche ich bitte?',
      'wie ist Ihr vollständiger Name?',
      'und die Postleitzahl?',
      'können Sie mir die Lieferadresse bestätigen?',
      'ich sehe hier eine Bestellung auf {per}.',
      'ich verbinde Sie mit {first} aus der Buchhaltung.',
      'meine Kollegin {fl} ruft Sie zurück.',
    ],
    callerLines: [
      'ja hallo, hier ist {fl}',
      'mein Name ist {per}',
      '{last}, {first}',
      'ähm, {fl}, {last} mit zwei Wörtern',
      'die Adresse ist {postal}',
      'ich wohne jetzt in {city}, {street}',
      'PLZ {post}, {city}',
      'das Konto läuft auf meinen Mann, {fl}',
      'Frau {last} aus Ihrer Filiale in {city} hat gesagt, ich soll anrufen',
      'ich rufe für meine Mutter an, {fl}',
      'wir haben den {brand} {product} bestellt und er kam nie an',
    ],
    rating: ['NPS {n}/10', 'Bewertung: {s}/5', 'Zufriedenheit {n} von 10', 'Weiterempfehlung: {n}', 'Note {s}'],
    comments: [
      '{first} in der Filiale {city} war sehr freundlich.',
      'Lieferung nach {city} hat zwei Wochen gedauert.',
      'Fragen Sie nach {first}, die kennt sich aus.',
      'Der Techniker, Herr {last}, kam pünktlich.',
      'Niemand hat zurückgerufen, obwohl {first} es versprochen hatte.',
      'Top Service von {fl}!',
      'Ich musste das Paket selbst in {city} abholen.',
      'Produkt gut, Hotline schlecht.',
      'Der Wasserkocher von {brand} ist nach einer Woche kaputt.',
    ],
    buyer: ['Nachricht des Käufers', 'Käuferanfrage', 'Neue Nachricht', 'Frage zum Artikel'],
    messages: [
      'Hallo, laut Sendungsverfolgung zugestellt, aber in {postal} ist nichts angekommen.',
      'Können Sie an meine Arbeit in {city} liefern?',
      'Die Größe passt nicht, bitte um ein Retourenetikett.',
      'Ist der {brand} {product} noch lieferbar?',
      'Zwei bestellt, nur eins bekommen. Bestellung {order}.',
      'Falls ich nicht da bin, bitte bei {first} nebenan abgeben.',
      'Meine neue Adresse: {postal}.',
    ],
    signoffs: ['\n-- {first}', '\nGruß {first}', '\nViele Grüße\n{first}', '\nMfG {per}', '\n{first}', '\nLG {first}'],
    handover: ['Schichtübergabe ({shift}) - offen:', 'Übergabe {shift}:', 'ÜBERGABE {shift} - noch offen', 'Für die nächste Schicht ({shift}):'],
    bullets: [
      'Touren nach {city}, {city} und {city} verschoben',
      'Bestellung {num} noch offen',
      '{per} wegen Erstattung zurückrufen',
      '{fl} wartet auf Termin, wohnt {postal}',
      '{title} {last} hat sich wieder beschwert, Fall {case}',
      'Retoure aus {city} noch nicht gescannt',
      '{first} hat {fl} Ersatz zugesagt',
      'Paket für die {street} ging ans falsche Depot',
      'Rückbuchung aus {country}, Kunde {per}',
      'nichts Dringendes',
    ],
    orderHead: ['Bestellung {order}', 'Auftrag {order}', 'Retoure {order}', 'Best.-Nr. {order}', 'Bestellung {num}'],
    orderLines: [
      '{qty} x {brandp} {noun} ({sku})',
      '{BRANDP} {noun} {sku} x{qty}',
      '{brandp} - {noun}, Größe {size}, {amount} EUR',
      'Kunde möchte lieber {brandp} {noun}.',
      'Geschenkverpackung, Karte an {first}: alles Gute!',
      'Versand an {per}, {postal}',
      'Lagerposition: {brandp} {noun} {sku}, Regal {qty}',
    ],
    labels: ['Name', 'Kontakt', 'Vollständiger Name', 'Kunde', 'Postanschrift', 'Ort', 'Straße', 'Inhaber'],
    logMessages: ['Pflichtfeld fehlt', 'doppelter Wert', 'Validierung fehlgeschlagen', 'Zeitüberschreitung'],
    forms: ['Kontaktformular', 'Webformular', 'Web-to-Lead', 'Angebotsanfrage'],
    formFields: ['Name', 'E-Mail', 'Firma', 'Telefon', 'Nachricht', 'Land'],
    payment: [
      'Bankverbindung (IBAN): {iban}',
      'Kreditkarte am {date} doppelt belastet.',
      'Ausweis liegt vor, Reisepass fehlt noch.',
      'BIC und IBAN kamen per Post.',
    ],
  },
  fr: {
    agent: ['Conseiller', 'Conseillère', 'Agent', 'Support', 'Service client'],
    caller: ['Client', 'Cliente', 'Appelant', 'Appelante', 'CLIENT'],
    fillers: ['euh', 'oui', 'd’accord', 'un instant', 'très bien', 'hmm', 'je regarde'],
    agentLines: [
      'à qui ai-je l’honneur ?',
      'pouvez-vous me donner votre nom complet ?',
      'et le code postal ?',
      'vous me confirmez l’adresse de livraison ?',
      'je vois une commande au nom de {per}.',
      'je vous passe {first} de la comptabilité.',
      'ma collègue {fl} va vous rappeler.',
    ],
    callerLines: [
      'oui bonjour, c’est {fl}',
      'je m’appelle {per}',
      '{last}, {first}',
      'euh, {fl}',
      'l’adresse c’est {postal}',
      'j’habite maintenant à {city}, {street}',
      'code postal {post}, {city}',
      'le compte est au nom de mon mari, {fl}',
      'Mme {last} de votre agence de {city} m’a dit d’appeler',
      'j’appelle pour ma mère, {fl}',
    ],
    rating: ['NPS {n}/10', 'Note : {s}/5', 'Satisfaction {n} sur 10', 'Recommandation : {n}'],
    comments: [
      '{first} au magasin de {city} a été très efficace.',
      'Livraison à {city} beaucoup trop lente.',
      'Demandez {first}, elle connaît son métier.',
      'Le technicien, M. {last}, était ponctuel.',
      'Personne ne m’a rappelé malgré la promesse de {first}.',
      'Merci à {fl} pour le remboursement rapide.',
      'Produit correct, service après-vente décevant.',
    ],
    buyer: ['Message de l’acheteur', 'Question d’un client', 'Nouveau message'],
    messages: [
      'Bonjour, le colis est indiqué livré mais rien reçu au {postal}.',
      'Pouvez-vous livrer à mon bureau à {city} ?',
      'La taille ne va pas, il me faut une étiquette de retour.',
      'Le {brand} {product} est-il encore disponible ?',
      'J’en ai commandé deux, reçu un seul. Commande {order}.',
      'Si je suis absente, laissez-le chez {first}, la voisine.',
      'Ma nouvelle adresse : {postal}.',
    ],
    signoffs: ['\n-- {first}', '\nMerci, {first}', '\nCordialement\n{per}', '\n{first}', '\nBonne journée, {first}'],
    handover: ['Passation ({shift}) - points ouverts :', 'Relève {shift} :', 'PASSATION {shift}', 'Pour l’équipe suivante ({shift}) :'],
    bullets: [
      'tournées vers {city}, {city} et {city} reportées',
      'commande {num} toujours ouverte',
      'rappeler {per} pour le remboursement',
      '{fl} attend un créneau, habite {postal}',
      '{title} {last} a encore réclamé, dossier {case}',
      'retour de {city} toujours pas scanné',
      '{first} a promis un échange à {fl}',
      'rétrofacturation depuis {country}, client {per}',
      'rien d’urgent',
    ],
    orderHead: ['Commande {order}', 'Cde {order}', 'Retour {order}', 'Commande {num}'],
    orderLines: [
      '{qty} x {brandp} {noun} ({sku})',
      '{BRANDP} {noun} {sku} x{qty}',
      '{brandp} - {noun}, taille {size}, {amount} €',
      'Le client préfère le {brandp} {noun}.',
      'Paquet cadeau, carte pour {first} : joyeux anniversaire !',
      'Expédier à {per}, {postal}',
    ],
    labels: ['Nom', 'Contact', 'Nom complet', 'Client', 'Adresse postale', 'Ville', 'Rue', 'Titulaire'],
    logMessages: ['champ obligatoire manquant', 'valeur en double', 'échec de validation'],
    forms: ['Formulaire web', 'Formulaire de contact', 'Web-to-Lead', 'Demande de devis'],
    formFields: ['Nom', 'E-mail', 'Courriel', 'Société', 'Téléphone', 'Message', 'Pays'],
    payment: ['RIB / IBAN : {iban}', 'Carte débitée deux fois le {date}.', 'Passeport reçu, pièce vérifiée.', 'BIC et IBAN envoyés par courrier.'],
  },
  es: {
    agent: ['Agente', 'Operadora', 'Soporte', 'Asesor'],
    caller: ['Cliente', 'Llamante', 'CLIENTE', 'Usuario'],
    fillers: ['eh', 'vale', 'sí', 'un momento', 'de acuerdo', 'mmm', 'a ver'],
    agentLines: [
      '¿con quién hablo?',
      '¿me dice su nombre completo?',
      '¿y el código postal?',
      '¿me confirma la dirección de entrega?',
      'veo un pedido a nombre de {per}.',
      'le paso con {first}, de facturación.',
      'mi compañera {fl} le devolverá la llamada.',
    ],
    callerLines: [
      'sí, hola, soy {fl}',
      'me llamo {per}',
      '{last}, {first}',
      'eh, {fl}',
      'la dirección es {postal}',
      'ahora vivo en {city}, {street}',
      'código postal {post}, {city}',
      'la cuenta está a nombre de mi marido, {fl}',
      'la señora {last} de su oficina de {city} me dijo que llamara',
      'llamo por mi madre, {fl}',
    ],
    rating: ['NPS {n}/10', 'Valoración: {s}/5', 'Satisfacción {n} de 10', 'Recomendación: {n}'],
    comments: [
      '{first}, en la tienda de {city}, lo resolvió en minutos.',
      'El envío a {city} tardó dos semanas.',
      'Pregunten por {first}, sabe lo que hace.',
      'El técnico, el Sr. {last}, fue puntual.',
      'Nadie me llamó aunque {first} lo prometió.',
      'Gracias a {fl} por el reembolso.',
    ],
    buyer: ['Mensaje del comprador', 'Pregunta del cliente', 'Nuevo mensaje'],
    messages: [
      'Hola, figura como entregado pero no ha llegado nada a {postal}.',
      '¿Pueden enviarlo a mi oficina en {city}?',
      'La talla no es correcta, necesito una etiqueta de devolución.',
      '¿Sigue disponible el {brand} {product}?',
      'Pedí dos y llegó uno. Pedido {order}.',
      'Si no estoy, déjenlo con {first}, el vecino.',
      'Mi nueva dirección: {postal}.',
    ],
    signoffs: ['\n-- {first}', '\nGracias, {first}', '\nSaludos\n{per}', '\n{first}', '\nUn saludo, {first}'],
    handover: ['Relevo de turno ({shift}) - pendiente:', 'Cambio de turno {shift}:', 'RELEVO {shift}', 'Para el siguiente turno ({shift}):'],
    bullets: [
      'rutas a {city}, {city} y {city} aplazadas',
      'pedido {num} sigue abierto',
      'llamar a {per} por el reembolso',
      '{fl} espera cita, vive en {postal}',
      '{title} {last} ha vuelto a reclamar, caso {case}',
      'devolución de {city} sin escanear',
      '{first} prometió un cambio a {fl}',
      'contracargo desde {country}, cliente {per}',
      'nada urgente',
    ],
    orderHead: ['Pedido {order}', 'PEDIDO {order}', 'Devolución {order}', 'Pedido {num}'],
    orderLines: [
      '{qty} x {brandp} {noun} ({sku})',
      '{BRANDP} {noun} {sku} x{qty}',
      '{brandp} - {noun}, talla {size}, {amount} €',
      'El cliente prefiere el {brandp} {noun}.',
      'Envolver para regalo, tarjeta para {first}.',
      'Enviar a {per}, {postal}',
    ],
    labels: ['Nombre', 'Contacto', 'Nombre completo', 'Cliente', 'Dirección postal', 'Ciudad', 'Calle', 'Titular'],
    logMessages: ['falta un campo obligatorio', 'valor duplicado', 'error de validación'],
    forms: ['Formulario web', 'Formulario de contacto', 'Web-to-Lead', 'Solicitud de presupuesto'],
    formFields: ['Nombre', 'Correo', 'Correo electrónico', 'Empresa', 'Teléfono', 'Mensaje', 'País'],
    payment: [
      'Cuenta IBAN para el reembolso: {iban}',
      'Tarjeta cobrada dos veces el {date}.',
      'Pasaporte recibido y comprobado.',
      'BIC e IBAN enviados por correo postal.',
    ],
  },
  it: {
    agent: ['Operatore', 'Operatrice', 'Assistenza', 'Consulente'],
    caller: ['Cliente', 'Chiamante', 'CLIENTE', 'Utente'],
    fillers: ['ehm', 'sì', 'certo', 'un attimo', 'va bene', 'allora', 'vediamo'],
    agentLines: [
      'con chi parlo?',
      'mi dice nome e cognome?',
      'e il CAP?',
      'mi conferma l’indirizzo di consegna?',
      'vedo un ordine intestato a {per}.',
      'le passo {first} dell’amministrazione.',
      'la mia collega {fl} la richiamerà.',
    ],
    callerLines: [
      'sì buongiorno, sono {fl}',
      'mi chiamo {per}',
      '{last}, {first}',
      'ehm, {fl}',
      'l’indirizzo è {postal}',
      'adesso abito a {city}, {street}',
      'CAP {post}, {city}',
      'il contratto è intestato a mio marito, {fl}',
      'la signora {last} della vostra sede di {city} mi ha detto di chiamare',
      'chiamo per mia madre, {fl}',
    ],
    rating: ['NPS {n}/10', 'Voto: {s}/5', 'Soddisfazione {n} su 10', 'Raccomandazione: {n}'],
    comments: [
      '{first} nel negozio di {city} è stata bravissima.',
      'La consegna a {city} ha richiesto due settimane.',
      'Chiedete di {first}, è molto preparato.',
      'Il tecnico, il sig. {last}, era puntuale.',
      'Nessuno mi ha richiamato anche se {first} l’aveva promesso.',
      'Grazie a {fl} per il rimborso veloce.',
    ],
    buyer: ['Messaggio dell’acquirente', 'Domanda del cliente', 'Nuovo messaggio'],
    messages: [
      'Salve, risulta consegnato ma a {postal} non è arrivato nulla.',
      'Potete spedire al mio ufficio a {city}?',
      'La taglia è sbagliata, mi serve un’etichetta di reso.',
      'Il {brand} {product} è ancora disponibile?',
      'Ne ho ordinati due, ne è arrivato uno. Ordine {order}.',
      'Se non ci sono lasciatelo a {first}, la vicina.',
      'Il mio nuovo indirizzo: {postal}.',
    ],
    signoffs: ['\n-- {first}', '\nGrazie, {first}', '\nCordiali saluti\n{per}', '\n{first}', '\nA presto, {first}'],
    handover: ['Passaggio di turno ({shift}) - aperti:', 'Consegne {shift}:', 'CAMBIO TURNO {shift}', 'Per il turno successivo ({shift}):'],
    bullets: [
      'giri a {city}, {city} e {city} rinviati',
      'ordine {num} ancora aperto',
      'richiamare {per} per il rimborso',
      '{fl} aspetta un appuntamento, abita in {postal}',
      '{title} {last} ha reclamato di nuovo, pratica {case}',
      'reso da {city} non ancora scansionato',
      '{first} ha promesso una sostituzione a {fl}',
      'chargeback da {country}, cliente {per}',
      'niente di urgente',
    ],
    orderHead: ['Ordine {order}', 'ORDINE {order}', 'Reso {order}', 'Ordine {num}'],
    orderLines: [
      '{qty} x {brandp} {noun} ({sku})',
      '{BRANDP} {noun} {sku} x{qty}',
      '{brandp} - {noun}, taglia {size}, {amount} €',
      'Il cliente preferisce il {brandp} {noun}.',
      'Confezione regalo, biglietto per {first}.',
      'Spedire a {per}, {postal}',
    ],
    labels: ['Nome', 'Contatto', 'Nome e cognome', 'Cliente', 'Indirizzo postale', 'Città', 'Via', 'Intestatario'],
    logMessages: ['campo obbligatorio mancante', 'valore duplicato', 'convalida non riuscita'],
    forms: ['Modulo web', 'Modulo di contatto', 'Web-to-Lead', 'Richiesta di preventivo'],
    formFields: ['Nome', 'Email', 'Posta elettronica', 'Azienda', 'Telefono', 'Messaggio', 'Paese'],
    payment: [
      'IBAN per il rimborso: {iban}',
      'Carta di credito addebitata due volte il {date}.',
      'Passaporto ricevuto e verificato.',
      'BIC e IBAN inviati per posta.',
    ],
  },
  nl: {
    agent: ['Medewerker', 'Medewerkster', 'Support', 'Agent', 'Klantenservice'],
    caller: ['Beller', 'Klant', 'KLANT', 'Klant (beller)'],
    fillers: ['eh', 'ja', 'oké', 'momentje', 'prima', 'hmm', 'even kijken'],
    agentLines: [
      'met wie spreek ik?',
      'mag ik uw volledige naam?',
      'en de postcode?',
      'kunt u het afleveradres bevestigen?',
      'ik zie hier een bestelling op naam van {per}.',
      'ik verbind u door met {first} van de administratie.',
      'mijn collega {fl} belt u terug.',
    ],
    callerLines: [
      'ja hallo, met {fl}',
      'mijn naam is {per}',
      '{last}, {first}',
      'eh, {fl}',
      'het adres is {postal}',
      'ik woon nu in {city}, {street}',
      'postcode {post}, {city}',
      'het account staat op naam van mijn man, {fl}',
      'mevrouw {last} van uw vestiging in {city} zei dat ik moest bellen',
      'ik bel voor mijn moeder, {fl}',
    ],
    rating: ['NPS {n}/10', 'Beoordeling: {s}/5', 'Tevredenheid {n} van 10', 'Aanbeveling: {n}', 'Cijfer {n}'],
    comments: [
      '{first} in de winkel in {city} heeft alles snel geregeld.',
      'Levering naar {city} duurde twee weken.',
      'Vraag naar {first}, die weet er alles van.',
      'De monteur, meneer {last}, was op tijd.',
      'Niemand belde terug, terwijl {first} dat had beloofd.',
      'Dank aan {fl} voor de snelle terugbetaling.',
    ],
    buyer: ['Bericht van koper', 'Vraag van klant', 'Nieuw bericht'],
    messages: [
      'Hallo, volgens de track & trace bezorgd maar er is niets aangekomen op {postal}.',
      'Kunt u het naar mijn werk in {city} sturen?',
      'De maat klopt niet, graag een retourlabel.',
      'Is de {brand} {product} nog leverbaar?',
      'Twee besteld, één ontvangen. Bestelling {order}.',
      'Als ik er niet ben, graag afgeven bij {first} van hiernaast.',
      'Mijn nieuwe adres: {postal}.',
    ],
    signoffs: ['\n-- {first}', '\nGroetjes, {first}', '\nMet vriendelijke groet\n{per}', '\n{first}', '\nBedankt! {first}'],
    handover: ['Overdracht ({shift}) - open punten:', 'Dienstoverdracht {shift}:', 'OVERDRACHT {shift}', 'Voor de volgende dienst ({shift}):'],
    bullets: [
      'ritten naar {city}, {city} en {city} uitgesteld',
      'bestelling {num} staat nog open',
      '{per} terugbellen over de terugbetaling',
      '{fl} wacht op een afspraak, woont {postal}',
      '{title} {last} heeft weer geklaagd, zaak {case}',
      'retour uit {city} nog niet gescand',
      '{first} heeft {fl} een vervanging beloofd',
      'chargeback uit {country}, klant {per}',
      'niets dringends',
    ],
    orderHead: ['Bestelling {order}', 'Order {order}', 'Retour {order}', 'Bestelling {num}'],
    orderLines: [
      '{qty} x {brandp} {noun} ({sku})',
      '{BRANDP} {noun} {sku} x{qty}',
      '{brandp} - {noun}, maat {size}, {amount} euro',
      'Klant wil liever de {brandp} {noun}.',
      'Cadeauverpakking, kaartje voor {first}.',
      'Verzenden naar {per}, {postal}',
    ],
    labels: ['Naam', 'Contactpersoon', 'Volledige naam', 'Klant', 'Postadres', 'Plaats', 'Straat', 'Eigenaar'],
    logMessages: ['verplicht veld ontbreekt', 'dubbele waarde', 'validatie mislukt'],
    forms: ['Webformulier', 'Contactformulier', 'Web-to-Lead', 'Offerteaanvraag'],
    formFields: ['Naam', 'E-mail', 'Bedrijf', 'Telefoon', 'Bericht', 'Land'],
    payment: [
      'Rekeningnummer (IBAN): {iban}',
      'Pas op {date} twee keer afgeschreven.',
      'Paspoort ontvangen en gecontroleerd.',
      'BIC en IBAN per post verstuurd.',
    ],
  },
};

/** Nouns of catalogue lines. */
const NOUNS = [
  'Eau de Toilette 100 ml',
  'Sneaker',
  'Polo shirt',
  'Jacket',
  'Handbag',
  'Watch',
  'Sunglasses',
  'Backpack',
  'Perfume 50ml',
  'Jeans',
  'Ice cream 500 ml',
  'Baking mix',
  'Boots',
  'Scarf',
  'Wallet',
];
const SIZES = ['S', 'M', 'L', 'XL', '38', '40', '42', '44', '9', '10.5'];
const SHIFTS = ['early', 'late', 'night', '06-14', '14-22', '22-06', 'Mo', 'Fr'];
const PLATFORMS = [
  'Amazon',
  'eBay',
  'Otto',
  'Zalando',
  'Fnac',
  'bol.com',
  'Allegro',
  'Vinted',
  'Etsy',
  'Kaufland',
  'Leboncoin',
  'Wallapop',
  'Marktplaats',
  'Subito',
  'AliExpress',
];
const SERVICES = ['contact.sync', 'lead.import', 'order.webhook', 'billing.export', 'sftp.push', 'erp.bridge', 'mdm.merge'];

/** A copy of `items` in random order. */
const shuffle = <T>(items: readonly T[], rng: Rng): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const sub = (text: string, rng: Rng): string =>
  text
    .replace(/\{n\}/g, () => String(rng.below(11)))
    .replace(/\{s\}/g, () => String(1 + rng.below(5)))
    .replace(/\{shift\}/g, () => rng.pick(SHIFTS))
    .replace(/\{noun\}/g, () => rng.pick(NOUNS))
    .replace(/\{size\}/g, () => rng.pick(SIZES));

const timestamp = (rng: Rng): string =>
  `2026-${String(1 + rng.below(12)).padStart(2, '0')}-${String(1 + rng.below(28)).padStart(2, '0')}T${String(rng.below(24)).padStart(2, '0')}:${String(rng.below(60)).padStart(2, '0')}:${String(rng.below(60)).padStart(2, '0')}${rng.pick(['Z', '.123Z', '+01:00', ''])}`;

function transcript(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const agentIsNamed = rng.next() < 0.3;
  const agent = (): Piece[] => (agentIsNamed ? fill('{first}', true) : [{ text: rng.pick(w.agent) }]);
  const caller = rng.pick(w.caller);
  const out: Piece[] = [];
  const turns = 2 + rng.below(5);
  for (let i = 0; i < turns; i++) {
    if (i > 0) out.push({ text: '\n' });
    const byAgent = i % 2 === 0;
    if (byAgent) out.push(...agent());
    else out.push({ text: caller });
    out.push({ text: rng.pick([': ', ': ', ' : ', ' - ', ': ']) });
    if (rng.next() < 0.3) out.push({ text: `${rng.pick(w.fillers)}, ` });
    out.push(...fill(sub(rng.pick(byAgent ? w.agentLines : w.callerLines), rng)));
  }
  return out;
}

function survey(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const out: Piece[] = [{ text: sub(rng.pick(w.rating), rng) + rng.pick(['\n', ' - ', ' | ', '\n\n']) }];
  const n = 1 + rng.below(3);
  for (let i = 0; i < n; i++) {
    if (i > 0) out.push({ text: ' ' });
    out.push(...fill(sub(rng.pick(rng.next() < 0.2 ? w.payment : w.comments), rng)));
  }
  return out;
}

function marketplace(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const out: Piece[] = [{ text: `${rng.pick(['[', '', '('])}${rng.pick(PLATFORMS)}${rng.pick([']', ':', ')', ' -'])} ${rng.pick(w.buyer)}:\n` }];
  const n = 1 + rng.below(3);
  for (let i = 0; i < n; i++) {
    if (i > 0) out.push({ text: ' ' });
    out.push(...fill(sub(rng.pick(w.messages), rng)));
  }
  out.push(...fill(rng.pick(w.signoffs), true));
  return out;
}

function handover(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const bullet = rng.pick(['- ', '* ', '• ', '– ']);
  const out: Piece[] = [{ text: sub(rng.pick(w.handover), rng) }];
  const n = 2 + rng.below(4);
  for (let i = 0; i < n; i++) out.push({ text: `\n${bullet}` }, ...fill(sub(rng.pick(rng.next() < 0.2 ? w.payment : w.bullets), rng)));
  return out;
}

function orderNote(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const out: Piece[] = [...fill(rng.pick(w.orderHead), true), { text: rng.pick([' · ', '\n', ' - ', ': ']) }];
  const n = 1 + rng.below(4);
  for (let i = 0; i < n; i++) {
    if (i > 0) out.push({ text: '\n' });
    out.push(...fill(sub(rng.pick(w.orderLines), rng), true));
  }
  return out;
}

/** Error codes and field words in capitals: neither people nor places. */
const CODES = [
  'DUPLICATE_VALUE',
  'REQUIRED_FIELD_MISSING',
  'INVALID_EMAIL_ADDRESS',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'UNABLE_TO_LOCK_ROW',
  'INVALID_CROSS_REFERENCE_KEY',
  'IBAN',
  'BIC',
  'SEPA',
  'VAT',
  'PAN',
  'NPS',
  'DNI',
  'NIE',
  'BSN',
  'SDI',
  'PEC',
  'OTP',
  'KYC',
  'AML',
];

function keyValueLog(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const name = rng.pick(['{LF}', '{LF}', '{FLC}', '{fl}', '{FLC}']);
  const fields = shuffle(
    [
      `customer="${name}"`,
      rng.pick(['city={CITY}', 'city="{city}"', 'billing_city={CITY}']),
      'email={email}',
      'src_ip={ip}',
      'order={order}',
      rng.pick(['ship_to="{postal}"', 'street="{street}" zip={post}']),
      'user={user}',
      'sku={sku}',
      `code=${rng.pick(CODES)}`,
      `field=${rng.pick(CODES)}`,
      'account="{company}"',
    ],
    rng,
  );
  const kept = fields.slice(0, 2 + rng.below(4));
  if (!kept.some((f) => f.startsWith('customer'))) kept.unshift(`customer="${name}"`);
  return [
    { text: `${timestamp(rng)} ${rng.pick(['ERROR', 'WARN', 'INFO', 'error', 'E'])} ${rng.pick(SERVICES)} ` },
    ...fill(`record={id} ${kept.join(' ')}`, true),
    { text: ` msg="${rng.pick(w.logMessages)}"` },
  ];
}

function jsonPayload(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const keys = shuffle(
    [
      rng.pick(['"FirstName":"{first}","LastName":"{last}"', '"Name":"{fl}"', '"LastName":"{LAST}","FirstName":"{FIRST}"', '"contact":"{LF}"']),
      '"MailingStreet":"{street}"',
      '"MailingPostalCode":"{post}"',
      rng.pick(['"MailingCity":"{city}"', '"BillingCity":"{CITY}"', '"City":"{city}"']),
      '"MailingCountry":"{country}"',
      '"Email":"{email}"',
      '"Phone":"{phone}"',
      '"OwnerId":"{id}"',
      '"Product__c":"{brandp} {noun}"',
      `"errorCode":"${rng.pick(CODES)}"`,
      '"Account":"{company}"',
    ],
    rng,
  );
  const kept = keys.slice(0, 3 + rng.below(5));
  if (!kept.some((k) => k.includes('{first}') || k.includes('{fl}') || k.includes('{LF}') || k.includes('{FIRST}'))) kept.unshift('"Name":"{fl}"');
  const status = rng.pick([400, 409, 422, 500]);
  const sep = rng.next() < 0.3 ? ', ' : ',';
  return [{ text: `{"status":${status},"message":"${rng.pick(w.logMessages)}","record":{"Id":"` }, ...fill(`{id}"${sep}${sub(kept.join(sep), rng)}}}`, true)];
}

const COLUMNS: [string, string][] = [
  ['FirstName', '{first}'],
  ['LastName', '{last}'],
  ['Email', '{email}'],
  ['Phone', '{phone}'],
  ['MailingStreet', '{street}'],
  ['MailingPostalCode', '{post}'],
  ['MailingCity', '{city}'],
  ['MailingCountry', '{country}'],
  ['CreatedDate', '{date}'],
  ['Company', '{company}'],
  ['Product', '{brandp}'],
  ['OrderNumber', '{order}'],
];

function csv(lang: Lang, fill: Fill, rng: Rng, makeSlots: () => Fill): Piece[] {
  const sep = rng.pick([';', ',', '\t', '|']);
  const named = rng.next() < 0.25;
  const cols: [string, string][] = [['Id', '{id}'], ...(named ? [['Name', '{fl}'] as [string, string]] : COLUMNS.slice(0, 2))];
  cols.push(...shuffle(COLUMNS.slice(2), rng).slice(0, 2 + rng.below(4)));
  const upper = rng.next() < 0.2;
  const out: Piece[] = [{ text: cols.map(([h]) => (upper ? h.toUpperCase() : h)).join(sep) }];
  const rows = 1 + rng.below(4);
  for (let i = 0; i < rows; i++) {
    const rowFill = i === 0 ? fill : makeSlots();
    const quote = rng.next() < 0.3 ? '"' : '';
    out.push({ text: '\n' }, ...rowFill(cols.map(([, v]) => quote + v + quote).join(sep), true));
  }
  return out;
}

function fieldValue(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const value = rng.pick(['{fl}', '{per}', '{FLC}', '{LF}', '{postal}', '{postaln}', '{city}', '{street}', '{first}', '{last}', '{brandp}', '{country}']);
  return rng.next() < 0.5 ? fill(value, true) : [{ text: `${rng.pick(w.labels)}${rng.pick([': ', ' = ', '\t', ':\n'])}` }, ...fill(value, true)];
}

function webForm(lang: Lang, fill: Fill, rng: Rng): Piece[] {
  const w = W[lang];
  const f = w.formFields;
  const label = (name: string) => (rng.next() < 0.1 ? name.toUpperCase() : name);
  const lines: string[] = [
    `${label(f[0]!)}: ${rng.pick(['{fl}', '{fl}', '{per}', '{fl}'])}`,
    `${label(rng.pick(f.slice(1, f.length - 4)))}: {email}`,
    `${label(f[f.length - 4]!)}: {company}`,
  ];
  if (rng.next() < 0.4) lines.push(`${label(f[f.length - 3]!)}: {phone}`);
  if (rng.next() < 0.3) lines.push(`${label(f[f.length - 1]!)}: {country}`);
  const out: Piece[] = [{ text: `${rng.pick(w.forms)}${rng.pick(['\n', ' - ', ': ', '\n\n'])}` }, ...fill(lines.join('\n'), true)];
  out.push({ text: `\n${label(f[f.length - 2]!)}: ` });
  const n = 1 + rng.below(2);
  for (let i = 0; i < n; i++) {
    if (i > 0) out.push({ text: ' ' });
    out.push(...fill(sub(rng.pick(rng.next() < 0.4 ? w.payment : rng.next() < 0.5 ? w.messages : w.comments), rng)));
  }
  return out;
}

const SHAPES = [webForm, transcript, survey, marketplace, handover, orderNote, keyValueLog, jsonPayload, fieldValue];

/** One training record in one of the shapes above; `fresh` gives another person and place for a further CSV row. */
export function shapeRecord(lang: Lang, fill: Fill, rng: Rng, fresh: () => Fill): Piece[] {
  const k = rng.below(SHAPES.length + 1);
  return k === SHAPES.length ? csv(lang, fill, rng, fresh) : SHAPES[k]!(lang, fill, rng);
}
