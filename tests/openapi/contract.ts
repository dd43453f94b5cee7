// Type-level tests of the client generated from the OpenAPI document: this file does not
// compile when an operation maps to the wrong types.
import type { components, operations, paths } from './generated/api';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type Schemas = components['schemas'];
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;

// The public list: `{items, next_cursor, total}` with public items.
type PublicListOp = paths['/api/v1/content']['get'];
type PublicList = Json<PublicListOp['responses'][200]>;
type PublicItem = Schemas['PublicItem'];

// A public single item.
type PublicItemOp = paths['/api/v1/content/{kind}/{slug}']['get'];

// Admin reads: the content status, not the membership one.
type AdminItem = Json<paths['/api/v1/admin/content/{id}']['get']['responses'][200]>;
type Membership = Json<paths['/api/v1/admin/memberships/{id}']['get']['responses'][200]>;

export type Checks = [
  Expect<Equal<PublicListOp, operations['listPublicContent']>>,
  Expect<Equal<PublicItemOp, operations['getPublicContent']>>,
  Expect<Equal<keyof PublicList, 'items' | 'next_cursor' | 'total'>>,
  Expect<Equal<PublicList['items'], PublicItem[]>>,
  Expect<Equal<PublicList['next_cursor'], string | null>>,
  Expect<Equal<PublicList['total'], number>>,
  Expect<Equal<Json<PublicItemOp['responses'][200]>, PublicItem>>,
  Expect<Equal<PublicItem['kind'], 'news' | 'manifest' | 'download' | 'video' | 'page' | 'location' | 'home'>>,
  Expect<Equal<PublicItem['id'], string>>,
  Expect<Equal<AdminItem['status'], 'draft' | 'scheduled' | 'published' | 'changed' | 'archived'>>,
  Expect<Equal<Membership['status'], 'new' | 'approved' | 'rejected'>>,
  // Errors come as problem+json.
  Expect<
    Equal<
      PublicListOp['responses'][422]['content']['application/problem+json'],
      Schemas['Problem']
    >
  >,
];
