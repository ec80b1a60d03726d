" ftdetect/strav.vim - *.strav files are the Strav schema language (syntax/strav.vim).
autocmd BufRead,BufNewFile *.strav setfiletype strav
