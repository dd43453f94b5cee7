// Eleventy builds the site from the CMS's public API: src/_data/cms.js reads it, the
// Nunjucks templates in src/ render it. `OA_API` is the API's base URL.
import { apiLinks, apiUrl, dutchDate, fileSize, fileType, safeUrl, sitePath } from './lib/filters.js';

export default function (config) {
  config.addFilter('dutchDate', dutchDate);
  config.addFilter('sitePath', sitePath);
  config.addFilter('apiUrl', apiUrl);
  config.addFilter('apiLinks', apiLinks);
  config.addFilter('fileSize', fileSize);
  config.addFilter('fileType', fileType);
  config.addFilter('safeUrl', safeUrl);
  config.addPassthroughCopy({ 'src/assets': 'assets' });
  return {
    dir: { input: 'src', output: '_site' },
    templateFormats: ['njk'],
    htmlTemplateEngine: 'njk',
  };
}
