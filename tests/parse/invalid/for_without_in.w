for x items {
}
