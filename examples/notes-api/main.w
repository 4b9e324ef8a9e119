// A small notes service: an HTTP API stores notes in a bucket, numbers them
// with a counter, and records every change on a queue that a consumer turns
// into an audit log.
bring cloud;
bring util;

let notes = new cloud.Bucket() as "notes";
let audit = new cloud.Bucket() as "audit";
let ids = new cloud.Counter(initial: 1) as "ids";
let changes = new cloud.Queue(retentionPeriod: 1d) as "changes";
let api = new cloud.Api() as "api";

changes.setConsumer(inflight (message: str) => {
  let entry = Json.parse(message);
  let key = "{entry.get("action").asStr()}-{entry.get("id").asStr()}";
  audit.put(key, message);
  log("audited {key}");
});

api.post("/notes", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  let body = req.body ?? "";
  if body.length == 0 {
    return cloud.ApiResponse { status: 400, body: "a note needs a body" };
  }
  let id = "{ids.inc()}";
  notes.put("note-{id}", body);
  changes.push(Json.stringify({ action: "create", id: id }));
  return cloud.ApiResponse { status: 201, body: id };
});

api.get("/notes/:id", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  let id = req.vars.get("id");
  if let note = notes.tryGet("note-{id}") {
    return cloud.ApiResponse { status: 200, body: note };
  }
  return cloud.ApiResponse { status: 404, body: "no note {id}" };
});

api.delete("/notes/:id", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  let id = req.vars.get("id");
  if !notes.exists("note-{id}") {
    return cloud.ApiResponse { status: 404, body: "no note {id}" };
  }
  notes.delete("note-{id}");
  changes.push(Json.stringify({ action: "delete", id: id }));
  return cloud.ApiResponse { status: 204 };
});

test "a note is stored and audited" {
  let id = "{ids.inc()}";
  notes.put("note-{id}", "hello");
  changes.push(Json.stringify({ action: "create", id: id }));
  assert(notes.get("note-{id}") == "hello");
  util.waitUntil(() => { return audit.exists("create-{id}"); });
}
