// The `cloud` module (`bring cloud;`): portable cloud resources.
// Declarations only; defaults, permissions and preflight effects are in
// resources.json. Conventions: docs/stdlib.md.

/// The HTTP methods an Api route can handle.
pub enum HttpMethod { GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, PATCH }

/// Options shared by every resource that runs an inflight handler as a function.
pub struct FunctionProps {
  /// Environment variables of the function.
  env: Map<str>?;
  /// How long one invocation may run (default 1m).
  timeout: duration?;
  /// Memory of the function in MB (default 1024).
  memory: num?;
  /// Days to keep the function's logs; negative keeps them forever (default 30).
  logRetentionDays: num?;
  /// The most invocations that may run at once (default: the platform's limit).
  concurrency: num?;
}

// ---------------------------------------------------------------- Bucket

/// A CORS rule of a Bucket.
pub struct BucketCorsOptions {
  /// Origins allowed to make requests.
  allowedOrigins: Array<str>;
  /// HTTP methods allowed.
  allowedMethods: Array<HttpMethod>;
  /// Request headers allowed (default none).
  allowedHeaders: Array<str>?;
  /// Response headers exposed to the browser (default none).
  exposeHeaders: Array<str>?;
  /// How long a browser may cache the preflight response (default 0s).
  maxAge: duration?;
}

/// Options of a Bucket.
pub struct BucketProps {
  /// Whether objects are publicly readable (default false).
  public: bool?;
  /// Whether the bucket may be destroyed while it still has objects (default false).
  forceDestroy: bool?;
  /// Whether to add the default CORS rule (default true).
  cors: bool?;
  /// A custom CORS rule used instead of the default one.
  corsOptions: BucketCorsOptions?;
}

/// Options of `Bucket.put`.
pub struct BucketPutOptions {
  /// The object's MIME type.
  contentType: str;
}

/// Options of `Bucket.get`.
pub struct BucketGetOptions {
  /// The first byte to read (default 0).
  startByte: num?;
  /// The last byte to read, inclusive (default: the end).
  endByte: num?;
}

/// Options of `Bucket.tryGet`.
pub struct BucketTryGetOptions extends BucketGetOptions {}

/// Options of `Bucket.delete`.
pub struct BucketDeleteOptions {
  /// Whether deleting a missing object is an error (default false).
  mustExist: bool?;
}

/// An object store.
pub class Bucket extends Resource {
  /// Creates a bucket.
  new(props: BucketProps?);
  /// Adds an object that exists when the app starts.
  pub addObject(key: str, body: str): void;
  /// Adds an object read from a file (relative to the app's directory) when the app starts.
  pub addFile(key: str, path: str, encoding: str?): void;
  /// Adds a CORS rule.
  pub addCorsRule(value: BucketCorsOptions): void;
  /// Stores a string under a key.
  pub inflight put(key: str, body: str, options: BucketPutOptions?): void;
  /// Stores Json under a key.
  pub inflight putJson(key: str, body: Json): void;
  /// Returns the object under a key; throws if it does not exist.
  pub inflight get(key: str, options: BucketGetOptions?): str;
  /// Returns the object under a key parsed as Json; throws if it does not exist.
  pub inflight getJson(key: str): Json;
  /// Returns the object under a key, or nil if it does not exist.
  pub inflight tryGet(key: str, options: BucketTryGetOptions?): str?;
  /// Returns the object under a key parsed as Json, or nil if it does not exist.
  pub inflight tryGetJson(key: str): Json?;
  /// Deletes the object under a key.
  pub inflight delete(key: str, opts: BucketDeleteOptions?): void;
  /// Deletes the object under a key and tells whether it existed.
  pub inflight tryDelete(key: str): bool;
  /// Tells whether an object exists under a key.
  pub inflight exists(key: str): bool;
  /// Returns the keys of all objects, or of those starting with a prefix.
  pub inflight list(prefix: str?): Array<str>;
  /// Returns the public URL of an object; throws if the bucket is not public.
  pub inflight publicUrl(key: str): str;
  /// Copies an object to another key.
  pub inflight copy(srcKey: str, dstKey: str): void;
  /// Moves an object to another key.
  pub inflight rename(srcKey: str, dstKey: str): void;
}

// ---------------------------------------------------------------- Queue

/// A dead-letter queue for messages that failed processing.
pub struct DeadLetterQueueProps {
  /// The queue that receives failed messages.
  queue: Queue;
  /// How many times a message is processed before it goes to the dead-letter queue (default 1).
  maxDeliveryAttempts: num?;
}

/// Options of a Queue.
pub struct QueueProps {
  /// How long a consumer has to process a message (default 30s).
  timeout: duration?;
  /// How long the queue keeps a message (default 1h).
  retentionPeriod: duration?;
  /// Where messages go after failing too often (default: dropped).
  dlq: DeadLetterQueueProps?;
}

/// Options of `Queue.setConsumer`.
pub struct QueueSetConsumerOptions extends FunctionProps {
  /// The most messages handed to the consumer at once (default 1).
  batchSize: num?;
}

/// A message queue.
pub class Queue extends Resource {
  /// Creates a queue.
  new(props: QueueProps?);
  /// Runs a handler, as a new function, for every message pushed to the queue.
  pub setConsumer(handler: inflight (str): void, props: QueueSetConsumerOptions?): Function;
  /// Pushes a message to the queue.
  pub inflight push(message: str): void;
  /// Removes and returns the next message, or nil if the queue is empty.
  pub inflight pop(): str?;
  /// Returns the approximate number of messages in the queue.
  pub inflight approxSize(): num;
  /// Removes every message from the queue.
  pub inflight purge(): void;
}

// ---------------------------------------------------------------- Counter

/// Options of a Counter.
pub struct CounterProps {
  /// The value of every key before its first change (default 0).
  initial: num?;
}

/// An atomic counter, optionally with one value per key.
pub class Counter extends Resource {
  /// Creates a counter.
  new(props: CounterProps?);
  /// The initial value.
  pub initial: num;
  /// Adds an amount (default 1) and returns the value before the change.
  pub inflight inc(amount: num?, key: str?): num;
  /// Subtracts an amount (default 1) and returns the value before the change.
  pub inflight dec(amount: num?, key: str?): num;
  /// Returns the current value.
  pub inflight peek(key: str?): num;
  /// Sets the value.
  pub inflight set(value: num, key: str?): void;
}

// ---------------------------------------------------------------- Api

/// CORS settings of an Api.
pub struct ApiCorsOptions {
  /// The allowed origin (default "*").
  allowOrigin: str?;
  /// The allowed methods (default GET, POST, PUT, DELETE, HEAD, OPTIONS).
  allowMethods: Array<HttpMethod>?;
  /// The allowed request headers (default Content-Type, Authorization, X-Requested-With).
  allowHeaders: Array<str>?;
  /// The response headers exposed to the browser (default none).
  exposeHeaders: Array<str>?;
  /// Whether credentials are allowed (default false).
  allowCredentials: bool?;
  /// How long a browser may cache the preflight response (default 5m).
  maxAge: duration?;
}

/// Options of an Api.
pub struct ApiProps {
  /// Whether to answer CORS requests (default false).
  cors: bool?;
  /// CORS settings used when `cors` is true (default: the defaults of ApiCorsOptions).
  corsOptions: ApiCorsOptions?;
}

/// An HTTP request received by an Api handler.
pub struct ApiRequest {
  /// The request's method.
  method: HttpMethod;
  /// The request's path.
  path: str;
  /// The query string's values.
  query: Map<str>;
  /// The values of the route's path variables (`/users/:id`).
  vars: Map<str>;
  /// The request's body.
  body: str?;
  /// The request's headers.
  headers: Map<str>?;
}

/// An HTTP response returned by an Api handler.
pub struct ApiResponse {
  /// The status code (default 200).
  status: num?;
  /// The body (default empty).
  body: str?;
  /// The headers (default none).
  headers: Map<str>?;
}

/// Options of an Api route's handler function.
pub struct ApiEndpointOptions extends FunctionProps {}
/// Options of `Api.get`.
pub struct ApiGetOptions extends ApiEndpointOptions {}
/// Options of `Api.post`.
pub struct ApiPostOptions extends ApiEndpointOptions {}
/// Options of `Api.put`.
pub struct ApiPutOptions extends ApiEndpointOptions {}
/// Options of `Api.delete`.
pub struct ApiDeleteOptions extends ApiEndpointOptions {}
/// Options of `Api.patch`.
pub struct ApiPatchOptions extends ApiEndpointOptions {}
/// Options of `Api.options`.
pub struct ApiOptionsOptions extends ApiEndpointOptions {}
/// Options of `Api.head`.
pub struct ApiHeadOptions extends ApiEndpointOptions {}
/// Options of `Api.connect`.
pub struct ApiConnectOptions extends ApiEndpointOptions {}

/// An HTTP API whose routes run inflight handlers.
pub class Api extends Resource {
  /// Creates an API.
  new(props: ApiProps?);
  /// The API's base URL.
  pub url: str;
  /// Handles GET requests on a path (`/items/:id` declares a path variable).
  pub get(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiGetOptions?): void;
  /// Handles POST requests on a path.
  pub post(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiPostOptions?): void;
  /// Handles PUT requests on a path.
  pub put(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiPutOptions?): void;
  /// Handles DELETE requests on a path.
  pub delete(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiDeleteOptions?): void;
  /// Handles PATCH requests on a path.
  pub patch(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiPatchOptions?): void;
  /// Handles OPTIONS requests on a path.
  pub options(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiOptionsOptions?): void;
  /// Handles HEAD requests on a path.
  pub head(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiHeadOptions?): void;
  /// Handles CONNECT requests on a path.
  pub connect(path: str, handler: inflight (ApiRequest): ApiResponse?, props: ApiConnectOptions?): void;
}

// ---------------------------------------------------------------- Function

/// A function that runs an inflight handler on demand.
pub class Function extends Resource {
  /// Creates a function from a handler that receives the invocation's payload.
  new(handler: inflight (Json?): Json?, props: FunctionProps?);
  /// The function's environment variables.
  pub env: Map<str>;
  /// Adds an environment variable; it is an error to set one twice with different values.
  pub addEnvironment(name: str, value: str): void;
  /// Runs the function with a payload and returns its result.
  pub inflight invoke(payload: Json?): Json?;
  /// Starts the function with a payload and returns without waiting.
  pub inflight invokeAsync(payload: Json?): void;
}

// ---------------------------------------------------------------- Service

/// Autoscaling limits and targets of a deployed Service (as `containers.Scaling`).
pub struct ServiceScaling {
  /// The fewest replicas (at least 1).
  min: num;
  /// The most replicas.
  max: num;
  /// The average CPU use to aim for, in percent (default 70).
  cpuTarget: num?;
  /// The average memory use to aim for, in percent (default: not used).
  memoryTarget: num?;
}

/// Options of a Service.
pub struct ServiceProps {
  /// Environment variables of the service.
  env: Map<str>?;
  /// Whether the service starts with the app (default true).
  autoStart: bool?;
  /// Where the simulator runs it: "process" (default, inside the simulator)
  /// or "container" (its image, built by `wdsl build`, in Docker).
  runtime: str?;
  /// How many copies run when deployed (helm, k8s, ecs, tf-aws; default 1).
  /// The simulator runs one.
  replicas: num?;
  /// Scale the number of replicas with load when deployed, as a workload's
  /// `autoscaling` (then `replicas` is not used). The simulator runs one.
  autoscaling: ServiceScaling?;
}

/// A long-running service: its handler runs at start and may return a stop handler.
pub class Service extends Resource {
  /// Creates a service from a start handler that may return a stop handler.
  new(handler: inflight (): (inflight (): void)?, props: ServiceProps?);
  /// The service's environment variables.
  pub env: Map<str>;
  /// Adds an environment variable; it is an error to set one twice with different values.
  pub addEnvironment(name: str, value: str): void;
  /// Starts the service; throws if it is already started.
  pub inflight start(): void;
  /// Stops the service; throws if it is not started.
  pub inflight stop(): void;
  /// Tells whether the service is started.
  pub inflight started(): bool;
}

// ---------------------------------------------------------------- Secret

/// Options of a Secret.
pub struct SecretProps {
  /// The name of an existing secret (default: a new secret with a generated name).
  name: str?;
}

/// Options of reading a secret.
pub struct GetSecretValueOptions {
  /// Whether the value may be cached (default true).
  cache: bool?;
}

/// A secret value stored by the platform.
pub class Secret extends Resource {
  /// Creates or references a secret.
  new(props: SecretProps?);
  /// The secret's name, if one was given.
  pub name: str?;
  /// Returns the secret's value; throws if it is not set.
  pub inflight value(options: GetSecretValueOptions?): str;
  /// Returns the secret's value parsed as Json; throws if it is not set or not Json.
  pub inflight valueJson(options: GetSecretValueOptions?): Json;
}

// ---------------------------------------------------------------- Schedule

/// Options of a Schedule: exactly one of `rate` and `cron`.
pub struct ScheduleProps {
  /// Runs the handlers at this interval (at least 1m).
  rate: duration?;
  /// Runs the handlers on this UNIX cron schedule, in UTC ("* * * * *").
  cron: str?;
}

/// Options of `Schedule.onTick`.
pub struct ScheduleOnTickOptions extends FunctionProps {}

/// A timer that runs handlers on a schedule.
pub class Schedule extends Resource {
  /// Creates a schedule.
  new(props: ScheduleProps?);
  /// Runs a handler, as a new function, on every tick.
  pub onTick(handler: inflight (): void, props: ScheduleOnTickOptions?): Function;
}

// ---------------------------------------------------------------- Endpoint

/// Options of an Endpoint.
pub struct EndpointProps {
  /// A label shown by tools.
  label: str?;
  /// Whether the endpoint can be opened in a browser.
  browserSupport: bool?;
}

/// A URL the app exposes, listed by tools.
pub class Endpoint extends Resource {
  /// Records a URL.
  new(url: str, props: EndpointProps?);
  /// The endpoint's URL.
  pub url: str;
}
