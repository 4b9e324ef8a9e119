// expect: E0206 at 4:7 "`./cycle_a.w` brings itself through a cycle of files"
// cycle_a.w brings cycle_b.w, which brings cycle_a.w again.
bring "./modules/cycle_a.w" as a;
