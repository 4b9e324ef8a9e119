// expect: E0300 at 7:20 "expected type `num?`, found `str`"
// The handler's parameter is inferred from cloud.Api.get, so its return
// value is checked against cloud.ApiResponse.
bring cloud;
let api = new cloud.Api();
api.get("/items", inflight (req) => {
  return { status: "ok", body: req.path };
});
