sed -i 's/^\(table\|entity\) customers {/&\n  @@was(clients)/' public/customers.strav
