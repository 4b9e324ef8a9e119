// expect: E0302 at 3:31 "`cloud.BucketProps` has no field `pblic`"
bring cloud;
let bucket = new cloud.Bucket(pblic: true);
