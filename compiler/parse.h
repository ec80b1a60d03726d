/*
 * parse.h - placeholder; replaced by the front-end work.
 */
#ifndef STRAV_PARSE_H
#define STRAV_PARSE_H
#include <stdio.h>
void *StravParseAlloc(void *(*mallocProc)(size_t), int *ctx);
void StravParseFree(void *p, void (*freeProc)(void *));
void StravParse(void *yyp, int yymajor, int yyminor);
void StravParseTrace(FILE *TraceFILE, char *zTracePrompt);
int StravParseFallback(int iToken);
void StravParseInit(void *yypRawParser, int *ctx);
void StravParseFinalize(void *p);
#endif
