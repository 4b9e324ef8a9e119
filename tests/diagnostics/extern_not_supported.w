// expect: E0208 at 3:35 "`extern` methods are not supported by wdsl"
class Native {
  extern "./native.js" pub static hash(s: str): str;
}
