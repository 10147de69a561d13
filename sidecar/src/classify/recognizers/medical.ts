import { matchAll, type Recognizer, type Span } from '../span.js';

/** Health conditions and treatments (GDPR Art. 9) in EN, DE, FR, ES, IT, NL. */
const TERMS = [
  'diabetes', 'diabète', 'diabete', 'cancer', 'krebs', 'cáncer', 'cancro', 'kanker', 'tumou?r', 'tumeur', 'hiv', 'aids',
  'asthma', 'asthme', 'asma', 'astma', 'depression', 'dépression', 'depresión', 'depressione', 'depressie', 'pregnant',
  'pregnancy', 'schwanger', 'schwangerschaft', 'enceinte', 'grossesse', 'embarazada', 'embarazo', 'incinta', 'gravidanza',
  'zwanger', 'zwangerschap', 'chemotherapy', 'chemotherapie', 'chimiothérapie', 'quimioterapia', 'chemioterapia',
  'epilepsy', 'epilepsie', 'épilepsie', 'epilepsia', 'epilessia', "alzheimer'?s?", 'parkinson', 'hepatitis', 'hépatite',
  'epatite', 'tuberculosis', 'tuberkulose', 'schizophrenia', 'schizophrenie', 'schizophrénie', 'esquizofrenia',
  'schizofrenia', 'bipolar', 'bipolaire', 'bipolare', 'dementia', 'demenz', 'démence', 'demencia', 'demenza', 'dementie',
  'leukemia', 'leukämie', 'leucémie', 'leucemia', 'leukemie', 'stroke', 'schlaganfall', 'heart attack', 'herzinfarkt',
  'infarctus', 'infarto', 'hartaanval', 'multiple sclerosis', 'multiple sklerose', 'sclérose en plaques',
  'esclerosis múltiple', 'sclerosi multipla', 'dialysis', 'dialyse', 'diálisis', 'dialisi', 'insulin', 'insuline',
  'insulina', 'antidepressants?', 'antidepressiva', 'antidépresseurs?', 'antidepresivos?', 'antidepressivi', 'miscarriage',
  'fehlgeburt', 'fausse couche', 'aborto', 'miskraam', 'covid-19', 'coronavirus',
];
const MEDICAL = new RegExp(`(?<![\\p{L}\\p{N}])(?:${TERMS.join('|')})(?![\\p{L}\\p{N}])`, 'giu');

export const medical: Recognizer = {
  name: 'pattern:medical',
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(MEDICAL, text)) out.push({ type: 'MEDICAL', start: m.index, end: m.index + m[0].length, score: 0.7, detector: this.name });
    return out;
  },
};
