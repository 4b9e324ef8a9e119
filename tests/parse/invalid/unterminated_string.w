let s = "never closed;
log(s);
