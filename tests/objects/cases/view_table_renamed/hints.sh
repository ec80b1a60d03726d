# the author renamed clients to customers: @@was keeps the rows (RENAME, not drop + create)
sed -i 's/^table customers {/&\n  @@was(clients)/' public/customers.strav
grep -q '@@was(clients)' public/customers.strav
