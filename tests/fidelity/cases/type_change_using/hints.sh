# the author says how a bigint of epoch seconds becomes a timestamptz, and back
sed -i "s/^\(  at  *timestamptz\)\$/\1 @using('to_timestamp(at)', down: 'extract(epoch FROM at)::bigint')/" public/logs.strav
grep -q '@using' public/logs.strav
