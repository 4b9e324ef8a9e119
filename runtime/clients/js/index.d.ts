// Types of the wdsl JavaScript client (./index.js): one interface per
// resource kind, with the names and types of its inflight API in
// stdlib/cloud.w (`str` is string, `num` number, `Json` any JSON value,
// `T?` T | null on results and optional on parameters; every call is async).

/** A JSON value, as `Json` in Wing. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What the client throws. `status` is the Resource API's HTTP status
 * (403: the operation is not bound; 0: no answer). */
export class WingBindingError extends Error {
  readonly status: number;
  constructor(message: string, status?: number);
}

export interface BucketPutOptions { contentType: string }
export interface BucketGetOptions { startByte?: number; endByte?: number }
export type BucketTryGetOptions = BucketGetOptions;
export interface BucketDeleteOptions { mustExist?: boolean }
export interface GetSecretValueOptions { cache?: boolean }

interface Binding<Type extends string> {
  /** The binding's name (`WING_<name>_URL`). */
  readonly bindingName: string;
  readonly type: Type;
}

/** cloud.Bucket */
export interface Bucket extends Binding<"cloud.Bucket"> {
  put(key: string, body: string, options?: BucketPutOptions): Promise<void>;
  putJson(key: string, body: Json): Promise<void>;
  get(key: string, options?: BucketGetOptions): Promise<string>;
  getJson(key: string): Promise<Json>;
  tryGet(key: string, options?: BucketTryGetOptions): Promise<string | null>;
  tryGetJson(key: string): Promise<Json | null>;
  delete(key: string, opts?: BucketDeleteOptions): Promise<void>;
  tryDelete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  list(prefix?: string): Promise<string[]>;
  publicUrl(key: string): Promise<string>;
  copy(srcKey: string, dstKey: string): Promise<void>;
  rename(srcKey: string, dstKey: string): Promise<void>;
}

/** cloud.Queue */
export interface Queue extends Binding<"cloud.Queue"> {
  push(message: string): Promise<void>;
  pop(): Promise<string | null>;
  approxSize(): Promise<number>;
  purge(): Promise<void>;
}

/** cloud.Counter */
export interface Counter extends Binding<"cloud.Counter"> {
  /** Returns the value before. */
  inc(amount?: number, key?: string): Promise<number>;
  /** Returns the value before. */
  dec(amount?: number, key?: string): Promise<number>;
  peek(key?: string): Promise<number>;
  set(value: number, key?: string): Promise<void>;
}

/** cloud.Function */
export interface Function extends Binding<"cloud.Function"> {
  invoke(payload?: Json): Promise<Json | null>;
  invokeAsync(payload?: Json): Promise<void>;
}

/** cloud.Service */
export interface Service extends Binding<"cloud.Service"> {
  start(): Promise<void>;
  stop(): Promise<void>;
  started(): Promise<boolean>;
}

/** cloud.Secret */
export interface Secret extends Binding<"cloud.Secret"> {
  value(options?: GetSecretValueOptions): Promise<string>;
  valueJson(options?: GetSecretValueOptions): Promise<Json>;
}

export interface ResourceKinds {
  "cloud.Bucket": Bucket;
  "cloud.Queue": Queue;
  "cloud.Counter": Counter;
  "cloud.Function": Function;
  "cloud.Service": Service;
  "cloud.Secret": Secret;
}

export type Env = Record<string, string | undefined>;

/** Where a binding lives, from its environment variables. */
export type BindingEnv =
  | { mode: "sim"; url: string; token: string }
  | { mode: "aws"; name: string; type: string }
  | { mode: "secret"; value: string }
  | { mode: "redis"; url: string };

/** Reads `WING_<name>_*` from `env` (default `process.env`); throws a
 * WingBindingError naming the missing variable. */
export function bindingEnv(name: string, env?: Env): BindingEnv;

/** Calls one operation on the simulator's Resource API. */
export function callResourceApi(binding: { url: string; token: string }, operation: string, args: unknown[], label?: string): Promise<unknown>;

/** The operations of each resource kind. */
export const OPERATIONS: { readonly [K in keyof ResourceKinds]: readonly string[] };

/** A client of kind `type` for binding `name`. The environment is read at
 * each call, so creating a client never throws for a missing variable. */
export function binding<K extends keyof ResourceKinds>(type: K, name: string, env?: Env): ResourceKinds[K];
/** A client of the user class `type` ("main.Store") for binding `name`,
 * with its bound `pub inflight` methods; `T` is its interface in
 * bindings.d.ts. Works in the simulator only. */
export function classBinding<T>(type: string, name: string, methods: readonly string[], env?: Env): T & { readonly bindingName: string; readonly type: string };
export function bucket(name: string, env?: Env): Bucket;
export function queue(name: string, env?: Env): Queue;
export function counter(name: string, env?: Env): Counter;
export function fn(name: string, env?: Env): Function;
export function service(name: string, env?: Env): Service;
export function secret(name: string, env?: Env): Secret;
