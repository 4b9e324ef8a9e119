// expect: E0504 at 11:1 "`GET /notes/:id` is ambiguous: a request can match both it and `GET /notes/latest`"
// Two routes of one method that the same request could match: which handler
// runs would depend on the order they were added.
bring cloud;

let api = new cloud.Api() as "api";
let ok = inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200 };
};
api.get("/notes/latest", ok);
api.get("/notes/:id", ok);
api.post("/notes/:id", ok);
