import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { collectionChain, collections, users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { requireOwner, requireRole, type Actor } from '../auth/roles.ts';
import { checkCollectionNamespace } from './namespaces.ts';
import { pgErrorCode } from '../db/pg-errors.ts';
import { COLLECTION_TYPES, type Collection, type CollectionType } from './types.ts';

/** `/`-separated segments of letters, digits, `_`, `-`, `.`, `+`, `@`; never `.` or `..`. */
const SEGMENT = /^[A-Za-z0-9_+@-][A-Za-z0-9_.+@-]*$/;

export function validateCollectionName(name: string): void {
  const segments = name.split('/');
  const bad = segments.find((s) => !SEGMENT.test(s) || s === '.' || s === '..');
  if (name.length === 0 || name.length > 255 || bad !== undefined) {
    throw new VeraError(
      'BAD_INPUT',
      `invalid collection name '${name}': '/'-separated segments of letters, digits and _ . + @ -${bad !== undefined ? ` (bad segment '${bad}')` : ''}`,
      { name },
    );
  }
}

function assertType(type: string): asserts type is CollectionType {
  if (!(COLLECTION_TYPES as readonly string[]).includes(type)) {
    throw new VeraError('BAD_INPUT', `unknown collection type '${type}'; types: ${COLLECTION_TYPES.join(', ')}`, { type });
  }
}

export async function createCollection(
  db: Db,
  spec: { name: string; type: string; doc?: string },
  actor: Actor,
): Promise<Collection> {
  requireRole(actor, 'developer', 'creating collections');
  validateCollectionName(spec.name);
  checkCollectionNamespace(spec.name, actor);
  assertType(spec.type);
  try {
    await db.insert(collections).values({ name: spec.name, type: spec.type, ownerId: actor.id, doc: spec.doc ?? '' });
  } catch (e) {
    if (pgErrorCode(e) === '23505') {
      const existing = await getCollection(db, spec.name);
      throw new VeraError('COLLECTION_CONFLICT', `collection '${spec.name}' already exists (${existing.type}, owner ${existing.owner})`, {
        name: spec.name,
      });
    }
    throw e;
  }
  return getCollection(db, spec.name);
}

type CollectionRow = Omit<Collection, 'children'>;

const collectionColumns = {
  id: collections.id,
  name: collections.name,
  type: collections.type,
  ownerId: collections.ownerId,
  owner: users.name,
  doc: collections.doc,
  createdAt: collections.createdAt,
};

async function selectCollections(db: Db, names?: readonly string[]): Promise<CollectionRow[]> {
  const q = db.select(collectionColumns).from(collections).innerJoin(users, eq(users.id, collections.ownerId));
  const rows = names ? await q.where(inArray(collections.name, [...names])) : await q.orderBy(asc(collections.name));
  return rows as CollectionRow[];
}

async function childrenOf(db: Db, parentIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (parentIds.length === 0) return out;
  const rows = await db
    .select({ parentId: collectionChain.parentId, child: collections.name })
    .from(collectionChain)
    .innerJoin(collections, eq(collections.id, collectionChain.childId))
    .where(inArray(collectionChain.parentId, parentIds))
    .orderBy(asc(collectionChain.parentId), asc(collectionChain.position));
  for (const r of rows) out.set(r.parentId, [...(out.get(r.parentId) ?? []), r.child]);
  return out;
}

export async function findCollection(db: Db, name: string): Promise<Collection | undefined> {
  const [row] = await selectCollections(db, [name]);
  if (!row) return undefined;
  const children = row.type === 'CHAINED' ? ((await childrenOf(db, [row.id])).get(row.id) ?? []) : [];
  return { ...row, children };
}

export async function getCollection(db: Db, name: string): Promise<Collection> {
  const c = await findCollection(db, name);
  if (!c) throw new VeraError('UNKNOWN_COLLECTION', `unknown collection '${name}'`, { collection: name });
  return c;
}

/** Collections, optionally filtered by a glob (`*` any run of characters, `?` one) and types. */
export async function listCollections(db: Db, opts: { pattern?: string; types?: readonly string[] } = {}): Promise<Collection[]> {
  opts.types?.forEach(assertType);
  const re = opts.pattern ? globToRegExp(opts.pattern) : undefined;
  const rows = (await selectCollections(db)).filter((c) => (!re || re.test(c.name)) && (!opts.types || opts.types.includes(c.type)));
  const kids = await childrenOf(
    db,
    rows.filter((r) => r.type === 'CHAINED').map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, children: kids.get(r.id) ?? [] }));
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Sets the ordered children of a CHAINED collection, creating it when it does not exist.
 * Refuses a chain that would contain itself, directly or through nested chains.
 */
export async function setChain(db: Db, name: string, childNames: readonly string[], actor: Actor, doc?: string): Promise<Collection> {
  requireRole(actor, 'developer', 'defining collection chains');
  validateCollectionName(name);
  const dup = childNames.find((c, i) => childNames.indexOf(c) !== i);
  if (dup) throw new VeraError('BAD_INPUT', `chain '${name}' lists '${dup}' twice`, { collection: name, child: dup });
  return db.transaction(async (tx) => {
    let parent = await findCollection(tx, name);
    if (!parent) parent = await createCollection(tx, { name, type: 'CHAINED', doc: doc ?? '' }, actor);
    if (parent.type !== 'CHAINED') {
      throw new VeraError('COLLECTION_TYPE', `collection '${name}' is ${parent.type}, not CHAINED`, { collection: name, type: parent.type });
    }
    requireOwner(actor, parent.ownerId, parent.owner, `chain '${name}'`);
    // Lock the parent so two concurrent redefinitions cannot interleave into a cycle.
    await tx.select({ id: collections.id }).from(collections).where(eq(collections.id, parent.id)).for('update');

    const children = await selectCollections(tx, childNames);
    const byName = new Map(children.map((c) => [c.name, c]));
    const missing = childNames.filter((c) => !byName.has(c));
    if (missing.length > 0) {
      throw new VeraError('UNKNOWN_COLLECTION', `chain '${name}': unknown collection(s) ${missing.map((m) => `'${m}'`).join(', ')}`, {
        collections: missing,
      });
    }
    await assertNoCycle(tx, parent.id, name, childNames.map((c) => byName.get(c)!.id));

    await tx.delete(collectionChain).where(eq(collectionChain.parentId, parent.id));
    if (childNames.length > 0) {
      await tx.insert(collectionChain).values(childNames.map((c, position) => ({ parentId: parent.id, position, childId: byName.get(c)!.id })));
    }
    return getCollection(tx, name);
  });
}

async function assertNoCycle(db: Db, parentId: number, parentName: string, childIds: number[]): Promise<void> {
  const edges = await db.select({ parentId: collectionChain.parentId, childId: collectionChain.childId }).from(collectionChain);
  const next = new Map<number, number[]>();
  for (const e of edges) if (e.parentId !== parentId) next.set(e.parentId, [...(next.get(e.parentId) ?? []), e.childId]);
  next.set(parentId, childIds);
  const seen = new Set<number>();
  const stack = [...childIds];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === parentId) {
      throw new VeraError('CHAIN_CYCLE', `chain '${parentName}' would contain itself through its children`, { collection: parentName });
    }
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
}

export interface SearchPathEntry {
  id: number;
  name: string;
  type: Exclude<CollectionType, 'CHAINED'>;
  rank: number;
}

/**
 * Flattens collection names into the ordered list of non-chained collections to search:
 * chains expand in place, depth first; a collection reached twice keeps its first position.
 */
export async function resolveSearchPath(db: Db, names: readonly string[]): Promise<SearchPathEntry[]> {
  if (names.length === 0) throw new VeraError('BAD_INPUT', 'at least one collection is needed to search');
  const all = await selectCollections(db);
  const byName = new Map(all.map((c) => [c.name, c]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    throw new VeraError('UNKNOWN_COLLECTION', `unknown collection(s) ${missing.map((m) => `'${m}'`).join(', ')}`, { collections: missing });
  }
  const kids = await childrenOf(
    db,
    all.filter((c) => c.type === 'CHAINED').map((c) => c.id),
  );
  const out: SearchPathEntry[] = [];
  const seen = new Set<number>();
  const visit = (c: CollectionRow) => {
    if (seen.has(c.id)) return;
    seen.add(c.id);
    if (c.type === 'CHAINED') {
      for (const child of kids.get(c.id) ?? []) visit(byName.get(child)!);
      return;
    }
    out.push({ id: c.id, name: c.name, type: c.type as SearchPathEntry['type'], rank: out.length });
  };
  for (const n of names) visit(byName.get(n)!);
  return out;
}
