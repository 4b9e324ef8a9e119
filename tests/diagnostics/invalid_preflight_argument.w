// expect: E0504 at 6:1 "already has GET "/items" in `routes`"
// expect: E0504 at 7:1 "invalid route path `no-slash here`"
bring cloud;
let api = new cloud.Api();
api.get("/items", inflight (req) => { return { status: 200 }; });
api.get("/items", inflight (req) => { return { status: 201 }; });
api.get("no-slash here", inflight (req) => { return { status: 200 }; });
