/*
 * sha256.c - SHA-256 hex digests (see sha256.h). The algorithm is fetched once (pthread_once):
 * EVP_Digest(..., EVP_sha256()) looks it up on every call, a sixth of the CPU of a
 * 20,000-file migration. The fetched EVP_MD is read-only, so threads share it.
 */
#include "sha256.h"

#include <pthread.h>

#include <openssl/evp.h>

static EVP_MD *sha;
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;

static void sha_fetch(void)
{
    sha = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void sha256_hex(const void *data, size_t len, char out[65])
{
    if (pthread_once(&sha_once, sha_fetch) != 0 || !sha)
        BUG("EVP_MD_fetch(SHA256) failed");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, md, &n, sha, NULL) || n != 32)
        BUG("SHA-256 failed");
    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}
