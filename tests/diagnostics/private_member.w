// expect: E0207 at 7:15 "`balance` is private in `Account`"
class Account {
  balance: num;
  new() { this.balance = 0; }
}
let account = new Account();
log("{account.balance}");
