export { startPreview, type Preview, type PreviewOptions } from './server.js';
export { seedPreviewUser } from './build.js';
