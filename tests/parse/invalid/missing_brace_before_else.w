if x {
  log("a");
else {
}
