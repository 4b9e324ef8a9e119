// expect: E0500 at 4:9 "a resource with id `files` already exists in `root/Default`"
bring cloud;
let a = new cloud.Bucket() as "files";
let b = new cloud.Bucket() as "files";
