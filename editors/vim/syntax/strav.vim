" syntax/strav.vim - Vim syntax for the Strav schema language (.strav, docs/language.md):
" declarations, archetype keywords, types, @attributes and @@table attributes, strings,
" quoted identifiers, numbers, comments and /// doc comments. Install: docs/editors.md.
if exists('b:current_syntax')
  finish
endif

syn keyword stravDecl      entity component attribute association event reference nextgroup=stravDeclName skipwhite
syn keyword stravDecl      configuration contribution table domain nextgroup=stravDeclName skipwhite
syn match   stravEnumDecl  /^\s*enum\>/ nextgroup=stravDeclName skipwhite
syn match   stravDeclName  /[A-Za-z_][A-Za-z0-9_]*/ contained
syn keyword stravKeyword   of between
syn match   stravAs        /^\s*\zsas\ze\s\+[A-Za-z_][A-Za-z0-9_]*\s*:/
syn keyword stravConstant  true false null
syn keyword stravType      smallint integer int int2 int4 int8 bigint smallserial serial serial2
syn keyword stravType      serial4 serial8 bigserial decimal numeric real float4 float8 double
syn keyword stravType      double_precision money string varchar character_varying char character
syn keyword stravType      bpchar text ulid bytea timestamp timestamptz timestamp_with_time_zone
syn keyword stravType      date time timetz interval boolean bool uuid point line lseg box path
syn keyword stravType      polygon circle inet cidr macaddr macaddr8 bit bit_varying varbit
syn keyword stravType      tsvector tsquery json jsonb int4range int8range numrange tsrange
syn keyword stravType      tstzrange daterange xml
syn match   stravRef       /\<\(ref\|enum\)\ze\s*(/
syn match   stravSql       /\<sql\ze\s*(/
syn match   stravAttr      /@@\?[A-Za-z_][A-Za-z0-9_]*/
syn match   stravNumber    /-\?\<[0-9]\+\(\.[0-9]\+\)\?\([eE][+-]\?[0-9]\+\)\?\>/
syn match   stravNullable  /?/
syn region  stravString    start=/'/ skip=/''/ end=/'/ end=/$/ oneline
syn region  stravQIdent    start=/"/ skip=/""/ end=/"/ end=/$/ oneline
syn keyword stravTodo      TODO FIXME XXX contained
syn match   stravComment   +//.*$+ contains=stravTodo
syn match   stravDoc       +///\([^/].*\)\?$+ contains=stravTodo
syn region  stravComment   start=+/\*+ end=+\*/+ contains=stravTodo

hi def link stravDecl      Structure
hi def link stravEnumDecl  Structure
hi def link stravDeclName  Identifier
hi def link stravKeyword   Keyword
hi def link stravAs        Keyword
hi def link stravConstant  Constant
hi def link stravType      Type
hi def link stravRef       Type
hi def link stravSql       Function
hi def link stravAttr      PreProc
hi def link stravNumber    Number
hi def link stravNullable  Operator
hi def link stravString    String
hi def link stravQIdent    String
hi def link stravTodo      Todo
hi def link stravComment   Comment
hi def link stravDoc       SpecialComment

let b:current_syntax = 'strav'
