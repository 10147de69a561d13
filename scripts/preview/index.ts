export { startPreview, type Preview, type PreviewOptions } from './server.js';
