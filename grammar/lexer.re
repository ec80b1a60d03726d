/*
 * lexer.re - the .strav tokenizer (re2c). Input: the whole NUL-terminated file. Output: one
 * Token {kind, off, len} per call, comments included (the driver keeps them for the formatter
 * and doc comments). Pipeline: Source -> lex_next (this) -> parse.c -> parser.y.
 * Errors come back as tokens (TK_ILLEGAL, TK_NUL, TK_UNTERM_*); parse.c reports them.
 */
#include "lex.h"

#include <string.h>

#include "parse.h"
#include "parser.h"

void lex_init(Lexer *lx, const char *buf, size_t len)
{
    lx->start = (const unsigned char *)buf;
    lx->cur = lx->start;
    lx->lim = lx->start + len;
    /* a UTF-8 byte order mark (editors on Windows write one) is no token; offsets stay the file's */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        lx->cur += 3;
}

/* Record the token that starts at tok and ends at the cursor. */
static int tok(Lexer *lx, Token *out, const unsigned char *start, int kind)
{
    out->kind = kind;
    out->off = (uint32_t)(start - lx->start);
    out->len = (uint32_t)(lx->cur - start);
    return kind;
}

/* objects (issue 14): after the opening $tag$, find the closing one; the body may hold
 * anything but a NUL byte. Unclosed: an unterminated string at the opening tag. */
static int dollar(Lexer *lx, Token *out, const unsigned char *start)
{
    size_t tag = (size_t)(lx->cur - start);
    for (const unsigned char *p = lx->cur; p < lx->lim && *p; p++)
        if (*p == '$' && (size_t)(lx->lim - p) >= tag && !memcmp(p, start, tag)) {
            lx->cur = p + tag;
            return tok(lx, out, start, TK_DOLLAR);
        }
    return tok(lx, out, start, TK_UNTERM_STRING);
}

int lex_next(Lexer *lx, Token *out)
{
    const unsigned char *mar;
    for (;;) {
        const unsigned char *start = lx->cur;
        /*!re2c
            re2c:api:style = free-form;
            re2c:define:YYCTYPE = "unsigned char";
            re2c:define:YYCURSOR = "lx->cur";
            re2c:define:YYLIMIT = "lx->lim";
            re2c:define:YYMARKER = "mar";
            re2c:yyfill:enable = 0;
            re2c:eof = 0;

            space      = [ \t\r\n\f\v]+;
            ident      = [a-zA-Z_\x80-\xff] [a-zA-Z_0-9\x80-\xff]*;
            digit      = [0-9];
            number     = digit+ ("." digit+)? ([eE] [+-]? digit+)?;
            string     = "'" ([^'\n\x00] | "''")* "'";
            ustring    = "'" ([^'\n\x00] | "''")*;
            qident     = ["] ([^"\n\x00] | ["]["])* ["];
            uqident    = ["] ([^"\n\x00] | ["]["])*;
            line_rest  = [^\n\x00]*;
            block      = "/*" ([^*\x00] | "*"+ [^*/\x00])* "*"+ "/";
            ublock     = "/*" ([^*\x00] | "*"+ [^*/\x00])* "*"*;

            $               { return tok(lx, out, start, 0); }
            space           { continue; }
            "////" line_rest { return tok(lx, out, start, TK_COMMENT); }
            "///" line_rest { return tok(lx, out, start, TK_DOC_COMMENT); }
            "//" line_rest  { return tok(lx, out, start, TK_COMMENT); }
            block           { return tok(lx, out, start, TK_COMMENT); }
            ublock          { return tok(lx, out, start, TK_UNTERM_COMMENT); }

            "entity"        { return tok(lx, out, start, TK_ENTITY); }
            "component"     { return tok(lx, out, start, TK_COMPONENT); }
            "attribute"     { return tok(lx, out, start, TK_ATTRIBUTE); }
            "association"   { return tok(lx, out, start, TK_ASSOCIATION); }
            "event"         { return tok(lx, out, start, TK_EVENT); }
            "reference"     { return tok(lx, out, start, TK_REFERENCE); }
            "configuration" { return tok(lx, out, start, TK_CONFIGURATION); }
            "contribution"  { return tok(lx, out, start, TK_CONTRIBUTION); }
            "table"         { return tok(lx, out, start, TK_TABLE); }
            "enum"          { return tok(lx, out, start, TK_ENUM); }
            "domain"        { return tok(lx, out, start, TK_DOMAIN); }
            "of"            { return tok(lx, out, start, TK_OF); }
            "between"       { return tok(lx, out, start, TK_BETWEEN); }
            "as"            { return tok(lx, out, start, TK_AS); }
            "sql"           { return tok(lx, out, start, TK_SQL); }
            "true"          { return tok(lx, out, start, TK_TRUE); }
            "false"         { return tok(lx, out, start, TK_FALSE); }
            "null"          { return tok(lx, out, start, TK_NULL); }
            "type"          { return tok(lx, out, start, TK_TYPE); } /* types branch */

            /* objects (issue 14): $tag$ ... $tag$ (the tag may be empty) */
            "$" ([a-zA-Z_\x80-\xff] [a-zA-Z_0-9\x80-\xff]*)? "$" { return dollar(lx, out, start); }
            ident           { return tok(lx, out, start, TK_IDENT); }
            qident          { return tok(lx, out, start, TK_QIDENT); }
            uqident         { return tok(lx, out, start, TK_UNTERM_QIDENT); }
            string          { return tok(lx, out, start, TK_STRING); }
            ustring         { return tok(lx, out, start, TK_UNTERM_STRING); }
            number          { return tok(lx, out, start, TK_NUMBER); }

            "("             { return tok(lx, out, start, TK_LPAREN); }
            ")"             { return tok(lx, out, start, TK_RPAREN); }
            "{"             { return tok(lx, out, start, TK_LBRACE); }
            "}"             { return tok(lx, out, start, TK_RBRACE); }
            "["             { return tok(lx, out, start, TK_LBRACKET); }
            "]"             { return tok(lx, out, start, TK_RBRACKET); }
            ","             { return tok(lx, out, start, TK_COMMA); }
            ":"             { return tok(lx, out, start, TK_COLON); }
            "."             { return tok(lx, out, start, TK_DOT); }
            "?"             { return tok(lx, out, start, TK_QUESTION); }
            "="             { return tok(lx, out, start, TK_EQ); }
            "-"             { return tok(lx, out, start, TK_MINUS); }
            "@"             { return tok(lx, out, start, TK_AT); }
            "@@"            { return tok(lx, out, start, TK_ATAT); }
            [\x00]          { return tok(lx, out, start, TK_NUL); }
            *               { return tok(lx, out, start, TK_ILLEGAL); }
        */
    }
}

/* ORDER TOKENS: the names follow the %token lines of parser.y. */
const char *lex_token_name(int kind)
{
    switch (kind) {
    case 0: return "end of input";
    case TK_ILLEGAL: return "illegal character";
    case TK_NUL: return "NUL byte";
    case TK_UNTERM_STRING: return "unterminated string";
    case TK_UNTERM_QIDENT: return "unterminated quoted identifier";
    case TK_UNTERM_COMMENT: return "unterminated comment";
    case TK_COMMENT: return "comment";
    case TK_DOC_COMMENT: return "doc comment";
    case TK_RECOVER: return "error recovery";
    case TK_IDENT: return "identifier";
    case TK_QIDENT: return "quoted identifier";
    case TK_STRING: return "string";
    case TK_NUMBER: return "number";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_LBRACE: return "'{'";
    case TK_RBRACE: return "'}'";
    case TK_LBRACKET: return "'['";
    case TK_RBRACKET: return "']'";
    case TK_COMMA: return "','";
    case TK_COLON: return "':'";
    case TK_DOT: return "'.'";
    case TK_QUESTION: return "'?'";
    case TK_EQ: return "'='";
    case TK_MINUS: return "'-'";
    case TK_AT: return "'@'";
    case TK_ATAT: return "'@@'";
    case TK_ENTITY: return "'entity'";
    case TK_COMPONENT: return "'component'";
    case TK_ATTRIBUTE: return "'attribute'";
    case TK_ASSOCIATION: return "'association'";
    case TK_EVENT: return "'event'";
    case TK_REFERENCE: return "'reference'";
    case TK_CONFIGURATION: return "'configuration'";
    case TK_CONTRIBUTION: return "'contribution'";
    case TK_TABLE: return "'table'";
    case TK_ENUM: return "'enum'";
    case TK_DOMAIN: return "'domain'";
    case TK_OF: return "'of'";
    case TK_BETWEEN: return "'between'";
    case TK_AS: return "'as'";
    case TK_SQL: return "'sql'";
    case TK_TRUE: return "'true'";
    case TK_FALSE: return "'false'";
    case TK_NULL: return "'null'";
    case TK_DOLLAR: return "dollar-quoted string";
    case TK_TYPE: return "'type'";
    default: return "token";
    }
}
