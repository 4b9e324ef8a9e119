// expect: E0205 at 2:7 "cannot bring `./no_such_file.w`: no such file"
bring "./no_such_file.w" as missing;
