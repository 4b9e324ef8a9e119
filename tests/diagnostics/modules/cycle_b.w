// expect: E0206 at 4:7 "`./cycle_b.w` brings itself through a cycle of files"
// Two files that bring each other: whichever is the entry, the other one's
// `bring` closes the cycle.
bring "./cycle_a.w" as a;
