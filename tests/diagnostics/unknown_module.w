// expect: E0203 at 2:7 "unknown module `clod`"
bring clod;
