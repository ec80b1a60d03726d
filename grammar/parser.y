/* parser.y - placeholder grammar; replaced by the front-end work. */
%name StravParse
%token_prefix TK_
%token_type {int}
%extra_context {int *ctx}
%default_destructor { (void)ctx; (void)$$; }
%syntax_error { (void)yymajor; (void)yyminor; *ctx = 1; }
%include {
#include "parse.h"
}
file ::= items.
items ::= .
items ::= items IDENT.
