// expect: E0215 at 2:7 "`Chicken` inherits from itself"
class Chicken extends Egg { new() { } }
class Egg extends Chicken { new() { } }
