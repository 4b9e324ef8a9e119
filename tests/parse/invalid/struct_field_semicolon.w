struct S {
  name: str
}
