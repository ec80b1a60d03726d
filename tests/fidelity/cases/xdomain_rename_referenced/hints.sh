sed -i 's/^\(table\|entity\) employees {/&\n  @@was(people)/' hr/employees.strav
