// Homepagina: the site's single home page (made when the site starts), edited, versioned and
// published like any item, under its own place in the menu.

import * as api from '../api.js';
import { h, fill, setTitle } from '../ui.js';

export default async function home(root, ctx) {
  setTitle('Homepagina');
  const { data } = await api.get(`/admin/content${api.query({ kind: 'home', limit: 1 })}`);
  const item = api.itemsOf(data)[0];
  if (!item) {
    fill(root, h('h1', {}, 'Homepagina'), h('p', { class: 'empty' }, 'Er is (nog) geen homepagina.'));
    return undefined;
  }
  const [tab] = ctx.parts;
  const content = await import('./content.js');
  return content.default(root, { ...ctx, parts: tab ? [item.id, tab] : [item.id] });
}
