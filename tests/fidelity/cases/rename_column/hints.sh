sed -i 's/^\(  email  *text\)\(.*\)$/\1\2 @was(mail)/' public/accounts.strav
