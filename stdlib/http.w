// The `http` module (`bring http;`): an HTTP client. Module functions are
// the static methods of class Http (`http.get(url)`). See docs/stdlib.md.

/// The method of an HTTP request.
pub enum HttpMethod { GET, PUT, DELETE, PATCH, POST, OPTIONS, HEAD, CONNECT, TRACE }

/// How a request uses the HTTP cache.
pub enum RequestCache { DEFAULT, NO_STORE, RELOAD, NO_CACHE, FORCE_CACHE }

/// How a request handles redirects.
pub enum RequestRedirect { MANUAL, FOLLOW, ERROR }

/// Options of an HTTP request.
pub struct RequestOptions {
  /// The method (default GET).
  method: HttpMethod?;
  /// Headers to send.
  headers: Map<str>?;
  /// The body; GET and HEAD requests cannot have one.
  body: str?;
  /// How the request uses the HTTP cache (default DEFAULT).
  cache: RequestCache?;
  /// How redirects are handled (default FOLLOW).
  redirect: RequestRedirect?;
  /// "no-referrer", "client" or a URL (default "about:client").
  referrer: str?;
  /// How long to wait for the response (default: no limit).
  timeout: duration?;
}

/// The response to an HTTP request.
pub struct Response {
  /// The status code.
  status: num;
  /// The URL of the response, after redirects.
  url: str;
  /// Whether the status is in the range 200-299.
  ok: bool;
  /// The response's headers.
  headers: Map<str>;
  /// The response's body.
  body: str;
}

/// The parts of a URL.
pub struct Url {
  /// The whole URL.
  href: str;
  /// The scheme with its colon ("https:").
  protocol: str;
  /// The host name and port.
  host: str;
  /// The host name.
  hostname: str;
  /// The port, or "" for the scheme's default.
  port: str;
  /// The path.
  pathname: str;
  /// The query string with its "?".
  search: str;
  /// The fragment with its "#".
  hash: str;
  /// The scheme, host name and port.
  origin: str;
  /// The user name.
  username: str;
  /// The password.
  password: str;
}

/// Options of `http.formatUrl`.
pub struct FormatUrlOptions {
  /// Whether to include the user name and password (default true).
  auth: bool?;
  /// Whether to include the fragment (default true).
  fragment: bool?;
  /// Whether to include the query string (default true).
  search: bool?;
  /// Whether to show Unicode host names rather than Punycode (default false).
  unicode: bool?;
}

/// HTTP client functions.
pub class Http {
  /// Sends a request with any method and returns the response.
  pub static inflight fetch(url: str, options: RequestOptions?): Response;
  /// Sends a GET request.
  pub static inflight get(url: str, options: RequestOptions?): Response;
  /// Sends a POST request.
  pub static inflight post(url: str, options: RequestOptions?): Response;
  /// Sends a PUT request.
  pub static inflight put(url: str, options: RequestOptions?): Response;
  /// Sends a PATCH request.
  pub static inflight patch(url: str, options: RequestOptions?): Response;
  /// Sends a DELETE request.
  pub static inflight delete(url: str, options: RequestOptions?): Response;
  /// Sends a CONNECT request.
  pub static inflight connect(url: str, options: RequestOptions?): Response;
  /// Sends a TRACE request.
  pub static inflight trace(url: str, options: RequestOptions?): Response;
  /// Splits a URL into its parts; throws if it is not a valid URL.
  pub static inflight parseUrl(urlString: str): Url;
  /// Joins the parts of a URL into a string.
  pub static inflight formatUrl(url: Url, options: FormatUrlOptions?): str;
}
