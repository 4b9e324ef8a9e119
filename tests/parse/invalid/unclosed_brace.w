class Store {
  new() {
    log("x");
  
}
