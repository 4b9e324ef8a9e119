// expect: E0201 at 4:19 "`Json` has no member `port`"
// Json fields are read with get() or [], not with `.`.
let config = Json { port: 8080 };
let port = config.port;
