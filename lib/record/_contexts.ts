/**
 * The endpoints an event log's records belong to, stored once each: an
 * endpoint (label, kind, parent, instance) with the addresses it had at some
 * record. A busy socket makes thousands of records that share one context.
 *
 * Contexts are counted by the records that use them and forgotten when the
 * last of those records leaves the log, so a lab that sees thousands of
 * short connections keeps only the contexts of the records it still holds:
 * memory stays bounded like the log itself.
 *
 * @module
 */

import type { Address, EndpointKind } from "./event.ts";
import type { EventDraft } from "./_event_draft.ts";

/** An endpoint with the addresses it had at some record. */
export interface Context {
  readonly label: string;
  readonly kind: EndpointKind;
  readonly parent: string | undefined;
  readonly instance: number;
  readonly local: Address | undefined;
  readonly remote: Address | undefined;
  /** The endpoint part of its lookup key. */
  readonly key: string;
}

/** What a draft last resolved to, kept on the draft so a busy socket resolves nothing. */
interface ContextCache {
  table: Contexts;
  id: number;
  context: Context;
}
const CACHE = Symbol("socketlab.contexts.cache");
type Cached = { [CACHE]?: ContextCache };

type Endpoint = Pick<Context, "label" | "kind" | "parent" | "instance">;

/**
 * The contexts of one log, with a count of the records that use each.
 *
 * @example Usage
 * ```ts
 * import { Contexts } from "./_contexts.ts";
 * import { EventDraft } from "./_event_draft.ts";
 * const contexts = new Contexts();
 * const draft = new EventDraft({ label: "client", kind: "tcp-socket", instance: 7 });
 * const id = contexts.idOf(draft);
 * contexts.retain(id); // a record uses it
 * console.log(contexts.get(id).label, contexts.idOf(draft) === id); // "client" true: one context
 * contexts.release(id); // no record uses it any more: its id may be reused
 * ```
 */
export class Contexts {
  #list: (Context | undefined)[] = [];
  #refs: number[] = [];
  #free: number[] = [];
  /** endpoint key → local → remote → id */
  #ids = new Map<string, Map<Address | undefined, Map<Address | undefined, number>>>();
  #superseded = new Set<number>();

  /**
   * The context with this id.
   *
   * @param id A context id in use.
   * @returns The context.
   */
  get(id: number): Context {
    return this.#list[id]!;
  }

  /**
   * The id of a draft's endpoint and addresses, made when new (cached on the
   * draft). A new id is used by no record until {@linkcode Contexts.retain}.
   *
   * @param draft The draft.
   * @returns The context id.
   */
  idOf(draft: EventDraft): number {
    const cache = (draft as Cached)[CACHE];
    if (
      cache !== undefined && cache.table === this && this.#list[cache.id] === cache.context &&
      cache.context.local === draft.local && cache.context.remote === draft.remote
    ) {
      return cache.id;
    }
    const id = this.withAddresses(draft, draft.local, draft.remote);
    (draft as Cached)[CACHE] = { table: this, id, context: this.#list[id]! };
    return id;
  }

  /**
   * The id of an endpoint with the given addresses, made when new.
   *
   * @param endpoint The endpoint (a draft or a context).
   * @param local Its local address.
   * @param remote Its remote address.
   * @returns The context id.
   */
  withAddresses(
    endpoint: Endpoint,
    local: Address | undefined,
    remote: Address | undefined,
  ): number {
    const key = `${endpoint.label}\u0000${endpoint.kind}\u0000${
      endpoint.parent ?? "\u0000"
    }\u0000${endpoint.instance}`;
    let byLocal = this.#ids.get(key);
    if (byLocal === undefined) this.#ids.set(key, byLocal = new Map());
    let byRemote = byLocal.get(local);
    if (byRemote === undefined) byLocal.set(local, byRemote = new Map());
    let id = byRemote.get(remote);
    if (id === undefined) {
      id = this.#free.pop() ?? this.#list.length;
      byRemote.set(remote, id);
      const { label, kind, parent, instance } = endpoint;
      this.#list[id] = { label, kind, parent, instance, local, remote, key };
      this.#refs[id] = 0;
    }
    return id;
  }

  /**
   * Counts one more record using a context.
   *
   * @param id The context id.
   */
  retain(id: number): void {
    this.#refs[id]++;
  }

  /**
   * Counts one record fewer using a context, and forgets the context when
   * none uses it any more.
   *
   * @param id The context id.
   */
  release(id: number): void {
    if (--this.#refs[id] > 0) return;
    const context = this.#list[id]!;
    const byLocal = this.#ids.get(context.key)!;
    const byRemote = byLocal.get(context.local)!;
    byRemote.delete(context.remote);
    if (byRemote.size === 0) byLocal.delete(context.local);
    if (byLocal.size === 0) this.#ids.delete(context.key);
    this.#list[id] = undefined;
    this.#free.push(id);
  }

  /**
   * Marks every context of a watched object as superseded: a later object
   * took its label over.
   *
   * @param instance The object's instance number.
   */
  supersede(instance: number): void {
    this.#superseded.add(instance);
  }

  /**
   * Whether a context's object was superseded.
   *
   * @param context A context.
   * @returns `true` when a later object took its label over.
   */
  isSuperseded(context: Context): boolean {
    return this.#superseded.size > 0 && this.#superseded.has(context.instance);
  }
}
